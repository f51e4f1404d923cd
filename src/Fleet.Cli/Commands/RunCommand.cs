using System.CommandLine;
using System.Diagnostics;
using Fleet.Cli.Embedded;
using Fleet.Cli.Rendering;
using Fleet.Contracts;
using Fleet.Inference.Models;
using Fleet.Storage.Azurite;

namespace Fleet.Cli.Commands;

/// <summary>`fleet run`: the whole job in this process — storage, one silo, progress, summary.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "A folder, a blob container/prefix URI, or a sample (sample:imagenet-100)" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder or blob container URI; rows go to <out>/<job>/part-*.jsonl", Required = true };
        var jobId = new Option<string?>("--job") { Description = "Job id; running the same id again resumes that job" };
        var shardSize = new Option<int>("--shard-size") { Description = "Images per shard", DefaultValueFactory = _ => JobSpec.DefaultShardSize };
        var topK = new Option<int>("--top-k") { Description = "Labels per image", DefaultValueFactory = _ => JobSpec.DefaultTopK };
        var classifier = new Option<string>("--classifier") { Description = "Classifier model name from models/catalog.json", DefaultValueFactory = _ => JobSpec.DefaultClassifier };
        var noCaption = new Option<bool>("--no-caption") { Description = "Label only, no captions" };
        var captioner = new Option<string?>("--captioner") { Description = "Caption model from models/catalog.json (default: the catalog's default causal-lm)" };
        var maxFailed = new Option<double>("--max-failed-fraction") { Description = "Fail the job when more than this fraction of images fail", DefaultValueFactory = _ => JobSpec.DefaultMaxFailedFraction };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string (default: FLEET_STORAGE, else Azurite under ./.fleet/)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object" };
        var silos = new Option<int>("--silos") { Description = "Silos to host in this process (a real cluster over loopback)", DefaultValueFactory = _ => 1 };

        var command = new Command("run", "Label a dataset end to end on an embedded fleet (Azurite + one in-process silo)")
        {
            dataset, output, jobId, shardSize, topK, classifier, noCaption, captioner, maxFailed, storage, json, silos,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = new JobSpec
            {
                Dataset = PathArguments.Normalize(parse.GetValue(dataset)!),
                Output = PathArguments.Normalize(parse.GetValue(output)!),
                ShardSize = parse.GetValue(shardSize),
                TopK = parse.GetValue(topK),
                Classifier = parse.GetValue(classifier)!,
                Captioner = parse.GetValue(noCaption) ? null : parse.GetValue(captioner) ?? DefaultCaptioner(),
                MaxFailedFraction = parse.GetValue(maxFailed),
            };
            var id = parse.GetValue(jobId) ?? NewJobId();
            var connection = parse.GetValue(storage) ?? Environment.GetEnvironmentVariable("FLEET_STORAGE");
            return await RunAsync(spec, id, connection, parse.GetValue(silos), parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(JobSpec spec, string jobId, string? storage, int silos, bool json, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        EmbeddedFleet fleet;
        try
        {
            fleet = await EmbeddedFleet.StartAsync(storage, Path.GetFullPath(".fleet"), silos, cancellationToken);
        }
        catch (AzuriteNotAvailableException e)
        {
            return Fail(ExitCodes.Environment, e.Message);
        }

        await using (fleet)
        {
            var job = fleet.Client.GetGrain<IJobGrain>(jobId);
            var submitted = await job.Submit(spec);
            if (!submitted.Accepted)
                return Fail(ExitCodes.Rejected, $"job rejected: {submitted.Status.Reason}");
            if (!json)
                Console.Error.WriteLine($"job {jobId}: {spec.Dataset} -> {spec.Output} ({fleet.StorageDescription})");

            JobStatus final;
            try
            {
                final = await JobProgressRenderer.WatchAsync(job.GetStatus, quiet: json, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return Fail(ExitCodes.Interrupted, $"interrupted; committed shards are kept. Resume with: fleet run {spec.Dataset} --out {spec.Output} --job {jobId}");
            }

            var summary = RunSummary.From(final, RunSummary.RowsLocation(spec.Output, jobId), clock.Elapsed.TotalSeconds);
            Console.WriteLine(json ? summary.ToJson() : summary.ToText());
            return final.State == JobState.Succeeded ? ExitCodes.Ok : ExitCodes.JobFailed;
        }
    }

    /// <summary>The catalog's default caption model, so captions are on unless --no-caption says otherwise.</summary>
    public static string? DefaultCaptioner() =>
        ModelCatalog.LoadDefault().Defaults.TryGetValue(ModelKinds.CausalLm, out var name) ? name : null;

    private static string NewJobId() => $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"fleet: {message}");
        return code;
    }
}
