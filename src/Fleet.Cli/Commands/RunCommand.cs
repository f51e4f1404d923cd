using System.CommandLine;
using System.Diagnostics;
using Fleet.Cli.Rendering;
using Fleet.Contracts;
using Fleet.Development;
using Fleet.Hosting;

namespace Fleet.Cli.Commands;

/// <summary>`fleet run`: the whole job in this process — storage, one silo, progress, summary.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var job = new JobRequestOptions("A folder, a blob container/prefix URI, a manifest, or a sample (sample:imagenet-100)",
            "Job id; running the same id again resumes that job");
        var storage = new Option<string?>("--storage") { Description = "Storage connection string (default: FLEET_STORAGE, else Azurite under ./.fleet/)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object" };
        var silos = new Option<int>("--silos") { Description = "Silos to host in this process (a real cluster over loopback)", DefaultValueFactory = _ => 1 };

        var command = new Command("run", "Label a dataset end to end on an embedded fleet (Azurite + one in-process silo)") { storage, json, silos };
        job.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The same door as POST /jobs and `fleet submit`: the same defaults, the same rules.
            var request = job.ToRequest(parse);
            var id = request.ResolveJobId();
            // What needs no cluster is checked before one starts.
            if (request.Problems(id) is { Count: > 0 } problems)
                return Fail(ExitCodes.Rejected, $"job rejected: {string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}"))}");
            var configuration = CliConfiguration.Build(parse.GetValue(storage));
            if (await LocalDatasetCheck.ProblemAsync(request.ToSpec().Dataset, configuration, cancellationToken) is { } missing)
                return Fail(ExitCodes.Rejected, $"job rejected: dataset: {missing}");
            return await RunAsync(request.ToSpec(), id, configuration["Fleet:Storage:ConnectionString"], configuration["Fleet:Development:ToolsRoot"],
                parse.GetValue(silos), parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(JobSpec spec, string jobId, string? storageConnection, string? toolsRoot, int silos, bool json, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var work = Path.GetFullPath(".fleet");
        DevelopmentStorage storage;
        try
        {
            // Azurite starts in the background: the silo is built and the job's classifier loads while node starts.
            storage = DevelopmentStorage.Begin(storageConnection, Path.Combine(work, "azurite"), toolsRoot, cancellationToken);
        }
        catch (AzuriteNotAvailableException e)
        {
            return Fail(ExitCodes.Environment, e.Message);
        }

        await using (storage)
        {
            EmbeddedFleet fleet;
            try
            {
                fleet = await EmbeddedFleet.StartAsync(storage.ConnectionString, silos, settings: null,
                    logFile: Path.Combine(work, "logs", "fleet-.log"), cancellationToken, storage.Ready, preloadClassifier: spec.Classifier);
            }
            catch (AzuriteNotAvailableException e)
            {
                return Fail(ExitCodes.Environment, e.Message);
            }
            await using var running = fleet;
            if (!json)
                Console.Error.WriteLine($"fleet: {fleet.Tuning}");
            var job = fleet.Client.GetGrain<IJobGrain>(jobId);
            var submitted = await job.Submit(spec);
            var startup = clock.Elapsed.TotalSeconds;
            if (!submitted.Accepted)
                return Fail(ExitCodes.Rejected, $"job rejected: {submitted.Status.Reason}");
            if (!json)
                Console.Error.WriteLine($"job {jobId}: {spec.Dataset} -> {spec.Output} ({storage.Description})");

            JobStatus final;
            try
            {
                final = await JobProgressRenderer.WatchAsync(job.GetStatus, quiet: json, JobProgressRenderer.EmbeddedPollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return Fail(ExitCodes.Interrupted, $"interrupted; committed shards are kept. Resume with: fleet run {spec.Dataset} --out {spec.Output} --job {jobId}");
            }

            var summary = RunSummary.From(final, RunSummary.RowsLocation(spec.Output, jobId), clock.Elapsed.TotalSeconds, startup);
            Console.WriteLine(json ? summary.ToJson() : summary.ToText());
            return final.State == JobState.Succeeded ? ExitCodes.Ok : ExitCodes.JobFailed;
        }
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"fleet: {message}");
        return code;
    }
}
