using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Cli.Commands;
using Fleet.Contracts;

namespace Fleet.Cli.Remote;

/// <summary>The `fleet` CLI's view of a running fleet: the HTTP API (FLEET_API), with the key from FLEET_API_KEY.</summary>
public sealed class FleetApiClient(HttpClient http, string? apiKey)
{
    public const string DefaultApi = "http://127.0.0.1:5080";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static FleetApiClient Create(string? api, string? apiKey) =>
        new(new HttpClient { BaseAddress = new Uri(api ?? Environment.GetEnvironmentVariable("FLEET_API") ?? DefaultApi) },
            apiKey ?? Environment.GetEnvironmentVariable("FLEET_API_KEY"));

    public Task<JobStatus> SubmitAsync(SubmitJobRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/jobs", JsonContent.Create(request, options: Json), cancellationToken);

    public Task<JobStatus> StatusAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(jobId)}", null, cancellationToken);

    public Task<JobStatus> ResumeAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/jobs/{Uri.EscapeDataString(jobId)}/resume", null, cancellationToken);

    public Task<JobStatus> CancelAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/jobs/{Uri.EscapeDataString(jobId)}/cancel", null, cancellationToken);

    public async Task<JobStatus[]> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Get, "/jobs", null, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JobStatus[]>(Json, cancellationToken) ?? [];
    }

    /// <summary>One page of a job's rows (GET /jobs/{id}/rows), filtered on the API: the job's output is read there, never here.</summary>
    public async Task<JobRowsPage> RowsAsync(string jobId, string? label, float? minScore, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var query = new List<string> { $"limit={limit}" };
        if (label is not null)
            query.Add($"label={Uri.EscapeDataString(label)}");
        if (minScore is { } score)
            query.Add($"minScore={score.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (cursor is not null)
            query.Add($"cursor={Uri.EscapeDataString(cursor)}");
        using var response = await SendRawAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(jobId)}/rows?{string.Join('&', query)}", null, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JobRowsPage>(Json, cancellationToken)
            ?? throw new FleetApiException("the API answered the rows request with an empty body", ExitCodes.Environment);
    }

    /// <summary>A signed link to the job's results page (POST /jobs/{id}/page-link), made absolute on this API.</summary>
    public async Task<(Uri Link, DateTimeOffset Expires)> PageLinkAsync(string jobId, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Post, $"/jobs/{Uri.EscapeDataString(jobId)}/page-link", null, cancellationToken);
        var link = await response.Content.ReadFromJsonAsync<ResultsPageLink>(Json, cancellationToken)
            ?? throw new FleetApiException("the API answered the page-link request with an empty body", ExitCodes.Environment);
        return (new Uri(http.BaseAddress!, link.Path), link.Expires);
    }

    private async Task<JobStatus> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JobStatus>(Json, cancellationToken)
            ?? throw new FleetApiException($"the API answered {path} with an empty body", ExitCodes.Environment);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (!string.IsNullOrEmpty(apiKey))
            request.Headers.Add(ApiKeyHeader.Name, apiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new FleetApiException($"cannot reach the Fleet API at {http.BaseAddress} ({e.Message}); start the fleet or set FLEET_API", ExitCodes.Environment, e);
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw new FleetApiException(await DescribeAsync(response, cancellationToken), ExitCodeFor(response.StatusCode), status: (int)response.StatusCode);
    }

    /// <summary>Problem details to one line: the detail, and each field error.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var parts = new List<string>();
            if (problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } d)
                parts.Add(d);
            if (problem.TryGetProperty("errors", out var errors))
                parts.AddRange(errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                parts.Add("set FLEET_API_KEY to the fleet's API key");
            return parts.Count > 0 ? $"{status}: {string.Join("; ", parts)}" : status;
        }
        catch (JsonException)
        {
            return status;
        }
    }

    private static int ExitCodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized => ExitCodes.Rejected,
        _ => ExitCodes.Environment,
    };
}
