using System.Diagnostics;
using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `control-plane`: the engine with the model replaced by a stand-in that only waits (Fleet:Inference:StandIn:WaitMs,
/// one batch at a time per silo, like one accelerator each), with 1..16 in-process silos. Storage is real: job state
/// and shard manifests in Azurite, rows in a local folder (the local result store), images read from local files.
/// Each run is a job followed by an idle window as long as the job (silos up, no work, the same status polling), so
/// the fixed background CPU can be told apart from the CPU the images cost.
/// </summary>
internal static class ControlPlaneScenario
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static async Task<object> RunAsync(int runs, int warmupRuns, int[] siloCounts, int waitMs, int imagesPerSilo, CancellationToken cancellationToken)
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
            // Full-size warm-up jobs: with one small one, tiered JIT (and dynamic PGO) was still promoting hot methods in the
            // first measured runs, and CPU per image fell run after run (1 silo: 6.4, 2.4, 1.2 ms net).
            for (var warmup = 0; warmup < warmupRuns; warmup++)
                await engine.RunJobAsync(photos.Folder, captioner: null, cancellationToken);

            var measured = new List<RunFigures>();
            for (var run = 1; run <= runs; run++)
            {
                var callsBefore = calls.Calls;
                var (cpuBefore, allocatedBefore, gen0Before, jitBefore) = (CpuTime(), GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), JitTime());
                var job = await engine.RunJobAsync(photos.Folder, captioner: null, cancellationToken);
                var cpu = CpuTime() - cpuBefore;
                var jit = JitTime() - jitBefore;
                var (allocated, gen0) = (GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore, GC.CollectionCount(0) - gen0Before);

                // The same engine, as long as the job took, with nothing to do.
                await Task.Delay(Settle, cancellationToken);
                var (idleBefore, idleJitBefore) = (CpuTime(), JitTime());
                await engine.IdleAsync(job.JobId, TimeSpan.FromSeconds(job.JobSeconds), cancellationToken);
                var idleCpu = CpuTime() - idleBefore;
                var idleJit = JitTime() - idleJitBefore;

                var figures = new RunFigures(job, silos, calls.Calls - callsBefore, cpu, jit, idleCpu, idleJit, allocated, gen0);
                measured.Add(figures);
                JsonLine.Progress($"{silos} silo(s): {job.SteadyImagesPerSecond:F0} img/s steady of {idealPerSilo * silos:F0} ideal, device busy {figures.DeviceBusy:P1}, " +
                    $"CPU {figures.CpuPerImageUs:F0} us/img ({figures.IdleCpuPerImageUs:F0} idle, {figures.NetCpuPerImageUs:F0} net, {figures.NetCpuWithoutJitPerImageUs:F0} net without JIT), " +
                    $"{figures.AllocatedKBPerImage:F0} KB/img, {figures.SchedulerCallsPerSecond:F0} scheduler calls/s");
            }

            Spread Of(Func<RunFigures, double> figure) => Spread.Of(measured.Select(figure).ToArray());
            var median = Of(r => r.Job.SteadyImagesPerSecond).Median;
            oneSilo ??= silos == 1 ? median : null;
            rows.Add(new
            {
                silos,
                imagesPerRun = imagesPerSilo * silos,
                imagesPerSecond = Of(r => r.Job.SteadyImagesPerSecond),
                jobImagesPerSecond = Of(r => r.Job.JobImagesPerSecond),
                idealImagesPerSecond = Math.Round(idealPerSilo * silos, 1),
                deviceBusyFraction = Of(r => r.DeviceBusy),
                deviceBusyFractionWholeJob = Of(r => r.DeviceBusyWholeJob),
                scalingEfficiency = oneSilo is { } one ? Math.Round(median / (silos * one), 3) : (double?)null,
                schedulerCallsPerSecond = Of(r => r.SchedulerCallsPerSecond),
                deviceIdlePerImageUs = Of(r => r.DeviceIdlePerImageUs),
                cpuPerImageUs = Of(r => r.CpuPerImageUs),
                idleCpuPerImageUs = Of(r => r.IdleCpuPerImageUs),
                netCpuPerImageUs = Of(r => r.NetCpuPerImageUs),
                jitPerImageUs = Of(r => r.JitPerImageUs),
                netCpuWithoutJitPerImageUs = Of(r => r.NetCpuWithoutJitPerImageUs),
                allocatedKBPerImage = Of(r => r.AllocatedKBPerImage),
                gen0CollectionsPerShard = Of(r => r.Gen0CollectionsPerShard),
            });
        }

        return new
        {
            scenario = "control-plane",
            standInWaitMsPerBatch = waitMs,
            batchSize,
            shardSize = Fleet.Contracts.JobSpec.DefaultShardSize,
            runs,
            warmupRuns,
            storage = "Azurite (job state, shard manifests) + local result store (rows) + local image files",
            note = "imagesPerSecond: steady window (first poll with committed images to the end; with 2 shards in flight it credits work begun before it, so it can exceed ideal); " +
                   "jobImagesPerSecond: submit to done. deviceBusyFraction: the stand-ins' own busy seconds (measured, not inferred from the rate) / (N x window) over the saturated window, " +
                   "from the first poll at which every silo's device had started to the last poll at which shards still waited for a worker (WholeJob: submit to done, so job start, " +
                   "planning and the tail count as idle); deviceIdlePerImageUs: (N x saturated window - busy) / images committed in it. " +
                   "scalingEfficiency = median(N silos) / (N x median(1 silo)). cpuPerImageUs: this process's CPU (all silos and the harness, not Azurite) during the job / images (raw); " +
                   "idleCpuPerImageUs: the same process over an equally long idle window right after (silos up, no job, same 50 ms status polling) / the job's images: the fixed background cost; " +
                   "netCpuPerImageUs = raw - idle, run by run: what the images cost. jitPerImageUs: JIT compilation time during the job (System.Runtime.JitInfo) / images; " +
                   "netCpuWithoutJitPerImageUs: net, with the JIT time of the job and of the idle window taken out (the long-run cost, once tiering has settled). allocatedKBPerImage and gen0CollectionsPerShard: the whole process during the job.",
            silos = rows,
        };
    }

    /// <summary>What one measured run (a job, then an equally long idle window) cost, per image where it says so.</summary>
    private sealed record RunFigures(JobTimings Job, int Silos, long SchedulerCalls, TimeSpan Cpu, TimeSpan Jit, TimeSpan IdleCpu, TimeSpan IdleJit, long Allocated, int Gen0)
    {
        public double SchedulerCallsPerSecond => SchedulerCalls / Job.JobSeconds;

        public double DeviceBusy => Job.SaturatedDeviceBusySeconds / (Silos * Job.SaturatedSeconds);

        public double DeviceBusyWholeJob => Job.DeviceBusySeconds / (Silos * Job.JobSeconds);

        /// <summary>Wall time the silos' devices were not busy while they all could have been, per image committed then.</summary>
        public double DeviceIdlePerImageUs => ((Silos * Job.SaturatedSeconds) - Job.SaturatedDeviceBusySeconds) / Job.SaturatedImages * 1e6;

        public double CpuPerImageUs => PerImageUs(Cpu);

        public double IdleCpuPerImageUs => PerImageUs(IdleCpu);

        public double NetCpuPerImageUs => PerImageUs(Cpu - IdleCpu);

        public double JitPerImageUs => PerImageUs(Jit);

        /// <summary>
        /// Tiered JIT (and dynamic PGO) keeps recompiling hot methods for a while after start; a silo that runs for hours
        /// has paid that once, so the net cost without JIT time is the long-run figure.
        /// </summary>
        public double NetCpuWithoutJitPerImageUs => PerImageUs(Cpu - Jit - (IdleCpu - IdleJit));

        public double AllocatedKBPerImage => Allocated / 1024.0 / Job.Images;

        public double Gen0CollectionsPerShard => Gen0 * (double)Fleet.Contracts.JobSpec.DefaultShardSize / Job.Images;

        private double PerImageUs(TimeSpan time) => time.TotalMicroseconds / Job.Images;
    }

    private static TimeSpan JitTime() => System.Runtime.JitInfo.GetCompilationTime(currentThread: false);

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
