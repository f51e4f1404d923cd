using System.Diagnostics;
using Fleet.Bench.Infrastructure;
using Fleet.Contracts;
using Fleet.Development;
using Fleet.Jobs;
using Fleet.Models;
using Fleet.Storage;
using Fleet.Testing.Orleans;
using Fleet.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `lease-rate`: how many shards one job can hand out and take back a second when every checkpoint write costs what a
/// blob write does. One silo, job state in Azurite behind <see cref="DelayedGrainStorage"/> (+N ms a write), shard
/// manifests in Azurite, the silo's own workers off; the bench is the workers (lease, begin-commit, report: the calls
/// a real worker makes per shard, minus the images). Figures: shards/s, checkpoint writes/s and writes per shard.
/// </summary>
internal static class LeaseRateScenario
{
    public static async Task<object> RunAsync(int runs, int writeMs, int workers, int seconds, int images, bool waitForWrites, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"fleet-bench-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(work);
        var manifest = Path.Combine(work, "manifest.txt");
        await using (var writer = new StreamWriter(manifest))
        {
            for (var i = 0; i < images; i++)
                await writer.WriteLineAsync($"file:///data/photos/image-{i:D8}.jpg");
        }

        await using var storage = await DevelopmentStorage.StartAsync(Environment.GetEnvironmentVariable("FLEET_STORAGE"), Path.Combine(work, "azurite"),
            BenchPaths.RepositoryRoot, cancellationToken);
        var delayed = new DelayedGrainStorage { BeforeWrite = () => Task.Delay(writeMs) };
        var cluster = await StartClusterAsync(storage.ConnectionString, delayed, waitForWrites);
        try
        {
            var shardsPerSecond = new List<double>();
            var writesPerSecond = new List<double>();
            var writesPerShard = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var jobId = $"lease-rate-{run}-{Guid.NewGuid():N}"[..24];
                var spec = new JobSpec { Dataset = manifest, Output = Path.Combine(work, "out"), ShardSize = 1 };
                var submitted = await cluster.Client.GetGrain<IJobGrain>(jobId).Submit(spec);
                if (!submitted.Accepted)
                    throw new InvalidOperationException($"job rejected: {submitted.Status.Reason}");
                // Planned first, so the window measures leasing alone (planning is `plan`'s figure).
                while (!(await cluster.Client.GetGrain<IJobGrain>(jobId).GetStatus()).PlanningComplete)
                    await Task.Delay(100, cancellationToken);

                var job = cluster.Client.GetGrain<IShardLeaseGrain>(jobId);
                var writesBefore = delayed.Writes;
                var clock = Stopwatch.StartNew();
                using var window = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
                var done = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => WorkAsync(job, $"bench-worker-{w}", window.Token)));
                var elapsed = clock.Elapsed.TotalSeconds;
                var writes = delayed.Writes - writesBefore;
                await cluster.Client.GetGrain<IJobGrain>(jobId).Cancel();

                var shards = done.Sum();
                shardsPerSecond.Add(shards / elapsed);
                writesPerSecond.Add(writes / elapsed);
                writesPerShard.Add(shards == 0 ? 0 : (double)writes / shards);
                JsonLine.Progress($"run {run}: {shards} shards in {elapsed:F1} s = {shards / elapsed:F0} shards/s, {writes / elapsed:F1} checkpoint writes/s ({writeMs} ms each)");
            }

            return new
            {
                scenario = "lease-rate",
                writeMs,
                workers,
                seconds,
                images,
                runs,
                leases = waitForWrites ? "each waits for its checkpoint write" : "written behind (the default)",
                storage = $"Azurite (job state behind +{writeMs} ms a write, shard manifests) on one in-process silo; the bench speaks the workers' protocol",
                shardsPerSecond = Spread.Of(shardsPerSecond.ToArray()),
                checkpointWritesPerSecond = Spread.Of(writesPerSecond.ToArray()),
                checkpointWritesPerShard = Spread.Of(writesPerShard.ToArray()),
            };
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>One simulated worker: lease, begin-commit, report, as fast as the job answers; the shards it completed.</summary>
    private static async Task<int> WorkAsync(IShardLeaseGrain job, string worker, CancellationToken stop)
    {
        var completed = 0;
        while (!stop.IsCancellationRequested)
        {
            if (await job.LeaseShard(worker) is not { } lease)
            {
                await Task.Delay(5, CancellationToken.None);
                continue;
            }
            if (await job.BeginCommit(lease.Token) && await job.ReportShard(lease.Token, new ShardReport(1, 0)))
                completed++;
        }
        return completed;
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(string connectionString, DelayedGrainStorage delayed, bool waitForWrites)
    {
        var account = new StorageAccount(connectionString);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAzureBlobGrainStorage("azurite", o => o.BlobServiceClient = account.Blobs).UseInMemoryReminderService();
            silo.Services.AddKeyedSingleton<IGrainStorage>(FleetStorageNames.GrainStorage, (sp, _) =>
            {
                delayed.Wrap(sp.GetRequiredKeyedService<IGrainStorage>("azurite"));
                return delayed;
            });
        });
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Fleet:Worker:Enabled"] = "false",
                ["Fleet:Jobs:WriteLeasesBehind"] = (!waitForWrites).ToString(),
                // Leases per second of shards of one size: no resize, and no lease-limit write past the first lease.
                ["Fleet:Jobs:AdaptiveShardSize"] = "false",
                // No model is loaded: the stand-in labeler is registered in its place (the silo's workers are off anyway).
                ["Fleet:Inference:StandIn:WaitMs"] = "1",
                ["Fleet:Intake:AllowAnyLocalPath"] = "true",
            });
            host.Services.AddFleetStorage(account);
            host.Services.AddFleetModels();
            host.Services.AddFleetJobs();
            host.Services.AddFleetWorker(host.Configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
