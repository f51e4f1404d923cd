using System.Diagnostics;
using Azure.Storage.Blobs;
using Fleet.Bench.Infrastructure;
using Fleet.Contracts;
using Fleet.Jobs.Planning;
using Fleet.Storage;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;
using Microsoft.Extensions.Options;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `plan`: a job over a manifest of N lines (file URIs, never read), as a local file or (--blob) a blob on the engine's
/// Azurite. First, on one silo whose worker is off, the job's own planning: time to the first shard and until the plan is
/// complete, and this process's peak resident memory. A text manifest is planned by byte ranges, so the plan is one
/// sampled block; the lines are read by the workers, slice by slice. So, second, the aggregate rate of planning work: the
/// plan plus every slice read into items (what the listing planner did serially), with a few slices read at once as
/// the workers of a fleet would (--readers).
/// </summary>
internal static class PlanScenario
{
    public static async Task<object> RunAsync(int runs, int lines, int shardSize, bool blob, int readers, CancellationToken cancellationToken)
    {
        Environment.SetEnvironmentVariable("Fleet__Worker__Enabled", "false");
        var manifest = Path.Combine(Path.GetTempPath(), $"fleet-bench-manifest-{Guid.NewGuid():N}"[..32] + ".txt");
        await using (var writer = new StreamWriter(manifest))
        {
            for (var i = 0; i < lines; i++)
                await writer.WriteLineAsync($"file:///data/photos/{i / 1000:D4}/image-{i:D7}.jpg");
        }

        var firstShard = new List<double>();
        var planning = new List<double>();
        var aggregate = new List<double>();
        var linesPerSecond = new List<double>();
        var peak = new List<double>();
        var shards = 0;
        try
        {
            await using var engine = await EngineRun.StartAsync(silos: 1, cancellationToken);
            var dataset = manifest;
            if (blob)
            {
                var container = new BlobServiceClient(engine.ConnectionString).GetBlobContainerClient("bench-manifests");
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                var uploaded = container.GetBlobClient(Path.GetFileName(manifest));
                await uploaded.UploadAsync(manifest, overwrite: true, cancellationToken);
                dataset = uploaded.Uri.AbsoluteUri;
                JsonLine.Progress($"uploaded {new FileInfo(manifest).Length / (1 << 20)} MiB to {dataset}");
            }
            var slices = new ManifestSlices(new StorageAccount(engine.ConnectionString), StorageResilience.Create(), ItemLimits.Default);
            var planner = new ManifestSlicePlanner(IntakePolicy.Unrestricted, slices, Options.Create(new PlanningOptions()));
            var spec = new JobSpec { Dataset = dataset, Output = "unused", ShardSize = shardSize };

            var before = PeakMemory.OfSelf();
            for (var run = 1; run <= runs; run++)
            {
                GC.Collect();
                PeakMemory.ResetSelf();
                var timings = await engine.RunPlanningAsync(dataset, shardSize, cancellationToken);
                firstShard.Add(timings.FirstShardSeconds);
                planning.Add(timings.PlanningSeconds);

                var clock = Stopwatch.StartNew();
                var plan = await planner.PlanAsync(spec, cancellationToken) ?? throw new InvalidOperationException($"{dataset} is not planned by byte ranges");
                shards = plan.Shards;
                var read = await ReadAllAsync(slices, dataset, plan, readers, cancellationToken);
                aggregate.Add(clock.Elapsed.TotalSeconds);
                if (read != lines)
                    throw new InvalidOperationException($"the slices held {read} items, the manifest {lines} lines");
                linesPerSecond.Add(lines / aggregate[^1]);
                peak.Add(PeakMemory.OfSelf());
                JsonLine.Progress($"first shard {timings.FirstShardSeconds:F2} s, job planned in {timings.PlanningSeconds:F2} s; " +
                    $"{lines} lines in {plan.Shards} slices planned and read in {aggregate[^1]:F1} s ({linesPerSecond[^1]:N0} lines/s), peak {peak[^1]} MB");
            }

            return new
            {
                scenario = "plan",
                source = blob ? "blob (Azurite)" : "file",
                lines,
                shardSize,
                shards,
                readers,
                runs,
                firstShardSeconds = Spread.Of(firstShard),
                planningSeconds = Spread.Of(planning),
                planAndReadSeconds = Spread.Of(aggregate),
                linesPerSecond = Spread.Of(linesPerSecond),
                peakWorkingSetMb = Spread.Of(peak),
                peakBeforeFirstRunMb = before,
                note = "one process: Azurite is separate; the silo (worker off) and this harness are in it. planningSeconds is the job's own plan (one sampled block); " +
                       "planAndReadSeconds is the plan plus every slice read into items, --readers at once, as the workers would read them",
            };
        }
        finally
        {
            File.Delete(manifest);
        }
    }

    /// <summary>Reads every slice of <paramref name="plan"/> into items, <paramref name="readers"/> slices at a time; the number of items.</summary>
    private static async Task<long> ReadAllAsync(ManifestSlices slices, string dataset, ManifestPlan plan, int readers, CancellationToken cancellationToken)
    {
        long items = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = readers, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Shards), parallel, async (shard, ct) =>
        {
            var slice = plan.Slice(shard);
            var read = await slices.ReadShardAsync(dataset, new SliceBounds(slice.Start, slice.End, slice.Version, slice.DataStart), ct);
            Interlocked.Add(ref items, read.Count);
        });
        return items;
    }
}
