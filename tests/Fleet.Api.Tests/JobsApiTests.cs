using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

public sealed class JobsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static object Spec(string dataset, string output, string? jobId = null) => new { jobId, dataset, output, shardSize = 4 };

    private static string PhotoFolder(int count)
    {
        var folder = TestPaths.NewTempFolder("api-photos");
        foreach (var photo in Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(count))
            File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        return folder;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-0123456789abcdef")]
    public async Task Mutating_endpoints_without_the_right_key_are_401(string? key)
    {
        var client = api.Client(key);

        var submit = await client.PostAsJsonAsync("/jobs", Spec(TestPaths.ImageNetSample, TestPaths.NewTempFolder("out")));
        var resume = await client.PostAsync("/jobs/any/resume", null);
        var cancel = await client.PostAsync("/jobs/any/cancel", null);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], new[] { submit.StatusCode, resume.StatusCode, cancel.StatusCode });
        Assert.Equal("application/problem+json", submit.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_malformed_spec_is_400_problem_details_naming_the_field()
    {
        var response = await api.Client().PostAsJsonAsync("/jobs", new { dataset = TestPaths.ImageNetSample, output = "", shardSize = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("shardSize", out _), problem.ToString());
        Assert.True(errors.TryGetProperty("output", out _), problem.ToString());
    }

    [Fact]
    public async Task An_unknown_result_format_is_400_naming_the_field()
    {
        var response = await api.Client().PostAsJsonAsync("/jobs", new { dataset = TestPaths.ImageNetSample, output = TestPaths.NewTempFolder("out"), format = "xlsx" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("format", out var reason), errors.ToString());
        Assert.Contains("jsonl, parquet", reason[0].GetString());
    }

    [Theory]
    [InlineData("topK", 1_000_000_000)]
    [InlineData("maxNewTokens", 100_000)]
    [InlineData("promptLabels", 50)]
    [InlineData("temperature", 1e9)]
    [InlineData("topP", 0)]
    [InlineData("minLabelScore", 2)]
    public async Task An_absurd_caption_setting_is_400_naming_the_field(string field, double value)
    {
        // Before the bounds, caption.topK 1e9 sized a heap of a billion entries for every generated token.
        var caption = new System.Text.Json.Nodes.JsonObject { [field] = field is "temperature" or "topP" or "minLabelScore" ? value : (int)value };
        var request = new System.Text.Json.Nodes.JsonObject { ["dataset"] = TestPaths.ImageNetSample, ["output"] = TestPaths.NewTempFolder("out"), ["caption"] = caption };

        var response = await api.Client().PostAsJsonAsync("/jobs", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("caption." + field, out var reason), errors.ToString());
        Assert.Contains("must be", reason[0].GetString());
    }

    [Theory]
    [InlineData("\"topK\": 1e9", "topK", "must be between 1 and 100")]
    [InlineData("\"caption\": {\"topK\": 1e9}", "caption.topK", "must be between 0 (no limit) and 1000")]
    [InlineData("\"caption\": {\"maxNewTokens\": 1e9}", "caption.maxNewTokens", "must be between 1 and 64")]
    [InlineData("\"shardSize\": 10000000000", "shardSize", "must be between 1 and 100000")]
    [InlineData("\"topK\": 2.5", "topK", "must be between 1 and 100")]
    [InlineData("\"topK\": \"many\"", "topK", "must be between 1 and 100")]
    [InlineData("\"captions\": \"yes\"", "captions", "is not a value this field takes")]
    public async Task A_number_that_is_no_int_is_400_naming_the_field_and_its_limit(string field, string name, string rule)
    {
        // 1e9 is no JSON int to the serializer: before, the body could not be read and the answer named nothing.
        var body = $$"""{"dataset": {{JsonSerializer.Serialize(TestPaths.ImageNetSample)}}, "output": {{JsonSerializer.Serialize(TestPaths.NewTempFolder("out"))}}, {{field}}}""";

        var response = await api.Client().PostAsync("/jobs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(name, out var reason), problem.ToString());
        Assert.StartsWith(rule, reason[0].GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400_saying_so()
    {
        var response = await api.Client().PostAsync("/jobs", new StringContent("{\"dataset\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("not valid JSON", problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task A_dataset_that_does_not_exist_is_400_naming_the_dataset()
    {
        var response = await api.Client().PostAsJsonAsync("/jobs", Spec(Path.Combine(TestPaths.TempRoot, "no-such-folder"), TestPaths.NewTempFolder("out")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("does not exist", problem.GetProperty("errors").GetProperty("dataset")[0].GetString());
    }

    [Fact]
    public async Task Unknown_jobs_are_404()
    {
        var client = api.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/jobs/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/jobs/nobody/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/jobs/nobody/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task A_submitted_job_runs_to_the_end_its_events_stream_and_resuming_it_then_is_409()
    {
        var client = api.Client();
        var output = TestPaths.NewTempFolder("out");
        var submit = await client.PostAsJsonAsync("/jobs", Spec(PhotoFolder(6), output, "api-full"));
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        Assert.Equal("/jobs/api-full", submit.Headers.Location?.ToString());

        // The event stream ends by itself when the job ends; its last event is the final status.
        var events = await client.GetStringAsync("/jobs/api-full/events");
        var last = events.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        var final = JsonSerializer.Deserialize<JobStatus>(last, Json)!;
        Assert.Equal(JobState.Succeeded, final.State);
        Assert.Equal(6, final.ImagesSucceeded);
        Assert.Contains("event: status", events);

        var status = await client.GetFromJsonAsync<JobStatus>("/jobs/api-full", Json);
        Assert.Equal(JobState.Succeeded, status!.State);
        var list = await client.GetFromJsonAsync<JobStatus[]>("/jobs", Json);
        Assert.Contains(list!, j => j.JobId == "api-full");

        var resume = await client.PostAsync("/jobs/api-full/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("already succeeded", await resume.Content.ReadAsStringAsync());

        // The request named no captioner: like `fleet run` and `fleet submit`, the job captions by default.
        Assert.Equal(JobSpec.DefaultCaptioner, final.Spec!.Captioner);
        var rows = await RowsAsync(output, "api-full");
        Assert.Equal(6, rows.Count);
        Assert.All(rows, row => Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("caption").GetString()), row.ToString()));
    }

    [Fact]
    public async Task A_request_that_turns_captions_off_gets_rows_without_captions()
    {
        var output = TestPaths.NewTempFolder("out");
        var submit = await api.Client().PostAsJsonAsync("/jobs", new { jobId = "api-no-captions", dataset = PhotoFolder(2), output, captions = false });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);

        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>("api-no-captions"), TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Succeeded, final.State);
        Assert.Null(final.Spec!.Captioner);
        Assert.All(await RowsAsync(output, "api-no-captions"), row => Assert.False(row.TryGetProperty("caption", out var c) && c.ValueKind == JsonValueKind.String, row.ToString()));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    public async Task A_job_id_that_could_climb_out_of_the_output_is_400_with_the_rule(string jobId)
    {
        var response = await api.Client().PostAsJsonAsync("/jobs", Spec(PhotoFolder(1), TestPaths.NewTempFolder("out"), jobId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(JobIds.Rule, problem.GetProperty("errors").GetProperty("jobId")[0].GetString());
    }

    private static async Task<List<JsonElement>> RowsAsync(string output, string jobId) =>
        (await new Fleet.Storage.Results.LocalResultStore(output, Fleet.Storage.Resilience.StorageResilience.Create()).ReadRowsAsync(jobId, default).ToListAsync())
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    [Fact]
    public async Task The_OpenAPI_document_and_health_are_served_without_a_key()
    {
        var client = api.Client(key: null);

        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var health = await client.GetAsync("/health");

        Assert.True(openApi.GetProperty("paths").TryGetProperty("/jobs", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/jobs/{id}/resume", out _));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
