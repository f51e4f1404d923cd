using System.Diagnostics;
using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `control-plane`: the engine with the model replaced by a stand-in that only waits (Fleet:Inference:StandIn:WaitMs,
/// one batch at a time per silo, like one accelerator each), with 1..16 in-process silos. Storage is real: job state
/// and shard manifests in Azurite, rows in a local folder (the local result store), images read from local files.
/// </summary>
internal static class ControlPlaneScenario
{
    public static async Task<object> RunAsync(int runs, int[] siloCounts, int waitMs, int imagesPerSilo, CancellationToken cancellationToken)
    {
        Environment.SetEnvironmentVariable("Fleet__Inference__StandIn__WaitMs", waitMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var batchSize = new Fleet.Inference.Runtime.InferenceOptions().BatchSize;
        var idealPerSilo = batchSize * 1000.0 / waitMs;
        using var calls = new SchedulerCallCounter();
        var rows = new List<object>();
        double? oneSilo = null;
        foreach (var silos in siloCounts)
        {
            using var photos = PhotoSet.Create(imagesPerSilo * silos);
            await using var engine = await EngineRun.StartAsync(silos, cancellationToken);
            using (var warm = PhotoSet.Create(Fleet.Contracts.JobSpec.DefaultShardSize * silos))
                await engine.RunJobAsync(warm.Folder, captioner: null, cancellationToken);

            var rate = new List<double>();
            var callRate = new List<double>();
            var cpuPerImage = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var callsBefore = calls.Calls;
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var job = await engine.RunJobAsync(photos.Folder, captioner: null, cancellationToken);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                rate.Add(job.SteadyImagesPerSecond);
                callRate.Add((calls.Calls - callsBefore) / job.JobSeconds);
                cpuPerImage.Add(cpu.TotalMicroseconds / job.Images);
                JsonLine.Progress($"{silos} silo(s): {job.SteadyImagesPerSecond:F0} img/s steady of {idealPerSilo * silos:F0} ideal, {(calls.Calls - callsBefore) / job.JobSeconds:F0} scheduler calls/s");
            }

            var median = Spread.Of(rate).Median;
            oneSilo ??= silos == 1 ? median : null;
            // Wall time a silo's device is not busy, per image: what the control plane costs the accelerator.
            var overheadUs = rate.Select(r => ((silos / r) - (waitMs / 1000.0 / batchSize)) * 1e6).ToArray();
            rows.Add(new
            {
                silos,
                imagesPerRun = imagesPerSilo * silos,
                imagesPerSecond = Spread.Of(rate),
                idealImagesPerSecond = Math.Round(idealPerSilo * silos, 1),
                deviceBusyFraction = Spread.Of(rate.Select(r => r / (idealPerSilo * silos)).ToArray()),
                scalingEfficiency = oneSilo is { } one ? Math.Round(median / (silos * one), 3) : (double?)null,
                schedulerCallsPerSecond = Spread.Of(callRate),
                deviceIdlePerImageUs = Spread.Of(overheadUs),
                deviceIdlePerShardMs = Spread.Of(overheadUs.Select(us => us * Fleet.Contracts.JobSpec.DefaultShardSize / 1000).ToArray()),
                cpuPerImageUs = Spread.Of(cpuPerImage),
            });
        }

        return new
        {
            scenario = "control-plane",
            standInWaitMsPerBatch = waitMs,
            batchSize,
            shardSize = Fleet.Contracts.JobSpec.DefaultShardSize,
            runs,
            storage = "Azurite (job state, shard manifests) + local result store (rows) + local image files",
            note = "scalingEfficiency = median(N silos) / (N x median(1 silo)); deviceIdlePerImageUs = N / rate - wait / batch; cpuPerImageUs = this process's CPU (all silos, not Azurite) per image",
            silos = rows,
        };
    }
}
