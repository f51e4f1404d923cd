using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;

namespace Fleet.AppHost;

/// <summary>
/// Dashboard buttons on the API resource: submit the sample job (sample:imagenet-100 into ./out), and cancel or resume a
/// job. Cancel and resume take the job as an argument: the dashboard offers the jobs that state allows (listed from
/// GET /jobs when the dialog opens, newest first) and accepts any other id typed in; `aspire` and tests pass it by name.
/// *Open a job's results* links to the job's results page through a signed link (a browser cannot send the API key).
/// </summary>
public static class JobCommands
{
    public const string Submit = "submit-sample";
    public const string Cancel = "cancel-job";
    public const string Resume = "resume-job";
    public const string Results = "open-results";
    public const string JobArgument = "job";

    public static IResourceBuilder<ProjectResource> WithJobCommands(this IResourceBuilder<ProjectResource> api, string repoRoot, IResourceBuilder<ParameterResource> apiKey)
    {
        var endpoint = api.GetEndpoint("http");

        async Task<HttpClient> ClientAsync(CancellationToken cancellationToken)
        {
            var http = new HttpClient { BaseAddress = new Uri(endpoint.Url), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Add(ApiKeyHeader.Name, await apiKey.Resource.GetValueAsync(cancellationToken));
            return http;
        }

        api.WithCommand(Submit, "Submit the sample job", async context =>
        {
            using var http = await ClientAsync(context.CancellationToken);
            var response = await http.PostAsJsonAsync("/jobs", new SubmitJobRequest { Dataset = "sample:imagenet-100", Output = Path.Combine(repoRoot, "out") }, context.CancellationToken);
            return await ResultAsync(response, "submitted", context.CancellationToken);
        }, new CommandOptions { IconName = "Play", Description = "Labels the 100 sample photos; rows go to ./out/<job>/" });

        api.WithCommand(Cancel, "Cancel a job", context => PostAsync(context, "cancel", "cancelled"), new CommandOptions
        {
            IconName = "Stop",
            Description = "Stops leasing the job's shards; committed rows stay, and resume carries on",
            Arguments = [JobInput("A running job", state => state is "Planning" or "Running")],
        });

        api.WithCommand(Resume, "Resume a job", context => PostAsync(context, "resume", "resumed"), new CommandOptions
        {
            IconName = "ArrowClockwise",
            Description = "Re-opens the shards of a cancelled or failed job that are not committed yet",
            Arguments = [JobInput("A cancelled or failed job", state => state is "Cancelled" or "Failed")],
        });
        api.WithCommand(Results, "Open a job's results", OpenResultsAsync, new CommandOptions
        {
            IconName = "Image",
            Description = "A signed link to the job's results page: photos with labels and captions, error rows, filters",
            Arguments = [JobInput("A job", _ => true)],
        });
        return api;

        async Task<ExecuteCommandResult> OpenResultsAsync(ExecuteCommandContext context)
        {
            var job = context.Arguments.GetString(JobArgument)?.Trim();
            if (string.IsNullOrEmpty(job))
                return CommandResults.Failure("name the job");
            using var http = await ClientAsync(context.CancellationToken);
            var response = await http.PostAsync($"/jobs/{Uri.EscapeDataString(job)}/page-link", content: null, context.CancellationToken);
            if (!response.IsSuccessStatusCode)
                return await ResultAsync(response, "", context.CancellationToken);
            var link = (await response.Content.ReadFromJsonAsync<ResultsPageLink>(ApiJson, context.CancellationToken))!;
            var url = new Uri(new Uri(endpoint.Url), link.Path);
            // Shown at once as markdown: the link opens in a new tab, and it is valid for this one job only.
            return CommandResults.Success($"results of {job}", $"[Open the results of {job}]({url})\n\nThe link works until {link.Expires.ToLocalTime():HH:mm} and opens only this job's results.",
                CommandResultFormat.Markdown, displayImmediately: true);
        }

        async Task<ExecuteCommandResult> PostAsync(ExecuteCommandContext context, string action, string done)
        {
            var job = context.Arguments.GetString(JobArgument)?.Trim();
            if (string.IsNullOrEmpty(job))
                return CommandResults.Failure("name the job");
            using var http = await ClientAsync(context.CancellationToken);
            var response = await http.PostAsync($"/jobs/{Uri.EscapeDataString(job)}/{action}", content: null, context.CancellationToken);
            return await ResultAsync(response, $"{job} {done}", context.CancellationToken);
        }

        InteractionInput JobInput(string label, Func<string, bool> offered) => new()
        {
            Name = JobArgument,
            Label = "Job",
            Description = label,
            InputType = InputType.Choice,
            Required = true,
            AllowCustomChoice = true,
            DynamicLoading = new InputLoadOptions
            {
                AlwaysLoadOnStart = true,
                LoadCallback = async load =>
                {
                    using var http = await ClientAsync(load.CancellationToken);
                    var jobs = await http.GetFromJsonAsync<JsonElement[]>("/jobs?limit=50", load.CancellationToken) ?? [];
                    load.Input.Options = jobs
                        .Select(j => (Id: j.GetProperty("jobId").GetString()!, State: j.GetProperty("state").GetString() ?? ""))
                        .Where(j => offered(j.State))
                        .Select(j => KeyValuePair.Create(j.Id, $"{j.Id} ({j.State.ToLowerInvariant()})"))
                        .ToList();
                },
            },
        };
    }

    private static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web);

    private static async Task<ExecuteCommandResult> ResultAsync(HttpResponseMessage response, string success, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return CommandResults.Success(success);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            // Problem details: the detail says why (unknown job, nothing to resume).
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } reason)
                return CommandResults.Failure($"{(int)response.StatusCode}: {reason}");
        }
        catch (JsonException)
        {
        }
        return CommandResults.Failure($"{(int)response.StatusCode}: {body}");
    }
}
