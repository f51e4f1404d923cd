using System.CommandLine;
using System.Text.Json;
using Fleet.Cli.Remote;
using Fleet.Cli.Rendering;
using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Cli.Commands;

/// <summary>`fleet submit | status | jobs | resume | cancel | results`: a running fleet, through its HTTP API.</summary>
public static class RemoteCommands
{
    private static readonly Option<string?> Api = new("--api") { Description = $"The Fleet API (default: FLEET_API, else {FleetApiClient.DefaultApi}); the key comes from FLEET_API_KEY" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON" };
    private static readonly Option<bool> Watch = new("--watch", "-w") { Description = "Follow the job with live progress until it ends" };

    public static IEnumerable<Command> Create() => [Submit(), Status(), Jobs(), Resume(), Cancel(), Results()];

    private static Command Submit()
    {
        var job = new JobRequestOptions("A blob container/prefix URI, a manifest, a folder the silos can read, or sample:NAME", "Job id (default: generated)");
        var command = new Command("submit", "Submit a job to a running fleet") { Watch, Json, Api };
        job.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, async client =>
        {
            var status = await client.SubmitAsync(job.ToRequest(parse), ct);
            if (!parse.GetValue(Json))
                Console.Error.WriteLine($"submitted {status.JobId}");
            return await ShowAsync(client, status, parse, ct);
        }));
        return command;
    }

    private static Command Status()
    {
        var jobId = new Argument<string>("job");
        var command = new Command("status", "Show a job's progress") { jobId, Watch, Json, Api };
        command.SetAction((parse, ct) => RunAsync(parse, async client =>
            await ShowAsync(client, await client.StatusAsync(parse.GetValue(jobId)!, ct), parse, ct)));
        return command;
    }

    private static Command Jobs()
    {
        var command = new Command("jobs", "List the fleet's recent jobs") { Json, Api };
        command.SetAction((parse, ct) => RunAsync(parse, async client =>
        {
            var jobs = await client.ListAsync(ct);
            if (parse.GetValue(Json))
                Console.WriteLine(JsonSerializer.Serialize(jobs, FleetApiClient.Json));
            else
                foreach (var job in jobs)
                    Console.WriteLine($"{job.JobId,-36} {JobProgressRenderer.Describe(job)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Resume()
    {
        var jobId = new Argument<string>("job");
        var command = new Command("resume", "Re-open a stopped job's pending and failed shards") { jobId, Watch, Json, Api };
        command.SetAction((parse, ct) => RunAsync(parse, async client =>
            await ShowAsync(client, await client.ResumeAsync(parse.GetValue(jobId)!, ct), parse, ct)));
        return command;
    }

    private static Command Cancel()
    {
        var jobId = new Argument<string>("job");
        var command = new Command("cancel", "Stop a job (committed rows are kept)") { jobId, Json, Api };
        command.SetAction((parse, ct) => RunAsync(parse, async client =>
            await ShowAsync(client, await client.CancelAsync(parse.GetValue(jobId)!, ct), parse, ct)));
        return command;
    }

    private static Command Results()
    {
        var jobId = new Argument<string>("job");
        var head = new Option<int>("--head", "-n") { Description = "Rows to print", DefaultValueFactory = _ => 10 };
        var label = new Option<string?>("--label") { Description = "Only rows whose top label is this (case-insensitive); filtered by the API" };
        var minScore = new Option<float?>("--min-score") { Description = "Only rows whose top score is at least this (0 to 1); filtered by the API" };
        var open = new Option<bool>("--open") { Description = "Print a signed link to the job's results page (and open it in a browser where one can be)" };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string for blob outputs (default: FLEET_STORAGE, else Fleet__Storage__BlobServiceUri with az login)" };
        var command = new Command("results", "Print a job's first result rows, filter them, or open its results page") { jobId, head, label, minScore, open, storage, Api };
        command.SetAction((parse, ct) => RunAsync(parse, async client =>
        {
            var job = parse.GetValue(jobId)!;
            if (parse.GetValue(open))
                return await ResultsPageOpener.OpenAsync(client, job, ct);
            if (parse.GetValue(label) is not null || parse.GetValue(minScore) is not null)
                return await PrintFilteredAsync(client, job, parse.GetValue(label), parse.GetValue(minScore), parse.GetValue(head), ct);
            var status = await client.StatusAsync(job, ct);
            var store = new ResultStoreFactory(CliConfiguration.Build(parse.GetValue(storage)).StorageAccount(), StorageResilience.Create())
                .Create(status.Spec!.Output);
            var printed = 0;
            await foreach (var row in store.ReadRowsAsync(status.JobId, ct))
            {
                if (printed++ >= parse.GetValue(head))
                    break;
                Console.WriteLine(row);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Pages through GET /jobs/{id}/rows until <paramref name="head"/> rows are printed (one JSON object a line) or the
    /// cursor ends: the API filters and reads the output, so this works for any output the API may read, and a rare
    /// label over a big job is short pages with a cursor, not a whole-job download.
    /// </summary>
    private static async Task<int> PrintFilteredAsync(FleetApiClient client, string job, string? label, float? minScore, int head, CancellationToken cancellationToken)
    {
        var printed = 0;
        string? cursor = null;
        do
        {
            var page = await client.RowsAsync(job, label, minScore, cursor, Math.Clamp(head - printed, 1, MaxRowsPerRequest), cancellationToken);
            foreach (var row in page.Rows.Take(head - printed))
            {
                Console.WriteLine(JsonSerializer.Serialize(row, FleetApiClient.Json));
                printed++;
            }
            cursor = page.Next;
        }
        while (cursor is not null && printed < head);
        return ExitCodes.Ok;
    }

    /// <summary>The API's default bound on one rows request (Fleet:Api:Results:MaxLimit).</summary>
    private const int MaxRowsPerRequest = 1000;

    private static async Task<int> ShowAsync(FleetApiClient client, JobStatus status, ParseResult parse, CancellationToken cancellationToken)
    {
        var json = parse.GetValue(Json);
        if (parse.GetValue(Watch))
            status = await JobProgressRenderer.WatchAsync(() => client.StatusAsync(status.JobId, cancellationToken), quiet: json, JobProgressRenderer.RemotePollInterval, cancellationToken);
        Console.WriteLine(json ? JsonSerializer.Serialize(status, FleetApiClient.Json) : $"{status.JobId}: {JobProgressRenderer.Describe(status)}" +
                                                                                          (status.Reason is null ? "" : $"\nreason: {status.Reason}"));
        return status.State == JobState.Failed ? ExitCodes.JobFailed : ExitCodes.Ok;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<FleetApiClient, Task<int>> action)
    {
        try
        {
            return await action(FleetApiClient.Create(parse.GetValue(Api), apiKey: null));
        }
        catch (FleetApiException e)
        {
            Console.Error.WriteLine($"fleet: {e.Message}");
            return e.ExitCode;
        }
    }
}
