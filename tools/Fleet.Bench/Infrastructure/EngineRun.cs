using System.Diagnostics;
using Fleet.Contracts;
using Fleet.Development;
using Fleet.Hosting;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// The real `fleet run` engine in this process: <see cref="EmbeddedFleet"/> (Azurite + in-process silos), one job
/// submitted and watched to the end. The timeline of committed images gives the steady-state rate; the timeline of the
/// silos' device busy time (<see cref="DeviceBusyMeter"/>, the stand-in's) gives the device utilisation.
/// </summary>
internal sealed class EngineRun : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly string _work;
    private readonly DeviceBusyMeter _deviceBusy = new();

    private readonly DevelopmentStorage _storage;

    private EngineRun(DevelopmentStorage storage, EmbeddedFleet fleet, int silos, string work, double startSeconds)
    {
        _storage = storage;
        Fleet = fleet;
        Silos = silos;
        _work = work;
        StartSeconds = startSeconds;
    }

    public EmbeddedFleet Fleet { get; }

    public int Silos { get; }

    /// <summary>The storage the engine runs against (Azurite unless FLEET_STORAGE names another).</summary>
    public string ConnectionString => _storage.ConnectionString;

    /// <summary>Seconds to start Azurite and the silos.</summary>
    public double StartSeconds { get; }

    public static async Task<EngineRun> StartAsync(int silos, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"fleet-bench-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(work);
        var clock = Stopwatch.StartNew();
        var storage = await DevelopmentStorage.StartAsync(Environment.GetEnvironmentVariable("FLEET_STORAGE"), Path.Combine(work, ".fleet", "azurite"),
            BenchPaths.RepositoryRoot, cancellationToken);
        var fleet = await EmbeddedFleet.StartAsync(storage.ConnectionString, silos, settings: null, logFile: Path.Combine(work, ".fleet", "logs", "fleet-.log"), cancellationToken);
        return new EngineRun(storage, fleet, Math.Max(1, silos), work, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs one job over <paramref name="dataset"/> to the end and returns its timings.</summary>
    public async Task<JobTimings> RunJobAsync(string dataset, string? captioner, CancellationToken cancellationToken, int shardSize = JobSpec.DefaultShardSize)
    {
        var jobId = $"bench-{Guid.NewGuid():N}"[..18];
        var spec = new JobSpec
        {
            Dataset = dataset,
            Output = Path.Combine(_work, "out"),
            Classifier = InferenceModels.ClassifierName,
            Captioner = captioner,
            ShardSize = shardSize,
        };
        var job = Fleet.Client.GetGrain<IJobGrain>(jobId);
        var busyBefore = _deviceBusy.Read();
        var clock = Stopwatch.StartNew();
        var submitted = await job.Submit(spec);
        if (!submitted.Accepted)
            throw new InvalidOperationException($"job rejected: {submitted.Status.Reason}");

        var timeline = new List<TimelinePoint>();
        double? firstShard = null;
        double? planned = null;
        JobStatus status;
        while (true)
        {
            status = await job.GetStatus();
            var now = clock.Elapsed.TotalSeconds;
            if (firstShard is null && status.ShardsTotal > 0)
                firstShard = now;
            if (planned is null && status.PlanningComplete)
                planned = now;
            var busy = _deviceBusy.Read();
            timeline.Add(new TimelinePoint(now, status.ImagesDone,
                busy.Sum(silo => silo.Value - busyBefore.GetValueOrDefault(silo.Key)),
                busy.Count(silo => silo.Value > busyBefore.GetValueOrDefault(silo.Key)),
                status.ShardsPending > 0 || !status.PlanningComplete));
            if (status.State is not (JobState.Planning or JobState.Running))
                break;
            await Task.Delay(Poll, cancellationToken);
        }
        if (status.State != JobState.Succeeded)
            throw new InvalidOperationException($"job {jobId} ended {status.State}: {status.Reason}");
        return JobTimings.From(jobId, status, timeline, firstShard ?? double.NaN, planned ?? double.NaN, Silos);
    }

    /// <summary>
    /// Keeps the engine up with no work for <paramref name="length"/>, polling a finished job's status as
    /// <see cref="RunJobAsync"/> polls a running one: the fixed background cost (silo timers, idle workers asking for
    /// work, storage clients, this harness's polling) that a job's CPU figure also contains.
    /// </summary>
    public async Task IdleAsync(string jobId, TimeSpan length, CancellationToken cancellationToken)
    {
        var job = Fleet.Client.GetGrain<IJobGrain>(jobId);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < length)
        {
            await job.GetStatus();
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Submits a job and waits only until its planning is complete (for a silo whose worker is off).</summary>
    public async Task<JobTimings> RunPlanningAsync(string dataset, int shardSize, CancellationToken cancellationToken)
    {
        var jobId = $"plan-{Guid.NewGuid():N}"[..17];
        var job = Fleet.Client.GetGrain<IJobGrain>(jobId);
        var clock = Stopwatch.StartNew();
        var submitted = await job.Submit(new JobSpec { Dataset = dataset, Output = Path.Combine(_work, "out"), Captioner = null, ShardSize = shardSize });
        if (!submitted.Accepted)
            throw new InvalidOperationException($"job rejected: {submitted.Status.Reason}");
        double? firstShard = null;
        while (true)
        {
            var status = await job.GetStatus();
            if (firstShard is null && status.ShardsTotal > 0)
                firstShard = clock.Elapsed.TotalSeconds;
            if (status.PlanningComplete || status.State is not (JobState.Planning or JobState.Running))
            {
                if (!status.PlanningComplete)
                    throw new InvalidOperationException($"planning ended {status.State}: {status.Reason}");
                var planned = clock.Elapsed.TotalSeconds;
                await job.Cancel();
                return new JobTimings(jobId, status.ImagesTotal, 0, planned, double.NaN, firstShard ?? planned, planned);
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
        await _storage.DisposeAsync();
        _deviceBusy.Dispose();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>
/// One poll of a running job: seconds since submit, images committed, device busy seconds since submit (all silos),
/// how many silos' devices have started on this job, and whether shards were still waiting for a worker.
/// </summary>
internal readonly record struct TimelinePoint(double Seconds, long Done, double DeviceBusySeconds, int DevicesStarted, bool ShardsWaiting);

/// <summary>
/// One job's timings: whole job, steady state (after the first committed images), planning, and the silos' device
/// busy seconds (0 unless the stand-in labeler runs) over the whole job and over the saturated window: from the first
/// poll at which every silo's device had started to the last poll at which shards still waited for a worker. In that
/// window every device could have been busy all the time, so its idle time is what the control plane cost it.
/// </summary>
internal sealed record JobTimings(string JobId, long Images, long Failed, double JobSeconds, double SteadyImagesPerSecond, double FirstShardSeconds, double PlanningSeconds)
{
    public double JobImagesPerSecond => Images / JobSeconds;

    /// <summary>Device busy seconds, all silos, from submit to the last poll.</summary>
    public double DeviceBusySeconds { get; init; }

    /// <summary>The saturated window: its length (0 if the job never saturated the silos), images committed and device busy seconds (all silos) in it.</summary>
    public double SaturatedSeconds { get; init; }

    public long SaturatedImages { get; init; }

    public double SaturatedDeviceBusySeconds { get; init; }

    public static JobTimings From(string jobId, JobStatus status, List<TimelinePoint> timeline, double firstShard, double planned, int silos)
    {
        var total = timeline[^1].Seconds;
        var images = status.ImagesDone;
        // Steady state: from the first poll that saw committed images to the end, so planning, model load and the
        // first shard's pipeline fill are left out. Falls back to the whole job for a job too short to tell.
        var first = timeline.FindIndex(p => p.Done > 0);
        var isSteady = first >= 0 && total - timeline[first].Seconds > 0.5 && images > timeline[first].Done;
        var start = isSteady ? timeline[first] : new TimelinePoint(0, 0, 0, 0, true);
        var saturatedFrom = timeline.FindIndex(p => p.DevicesStarted >= silos);
        var saturatedTo = timeline.FindLastIndex(p => p.ShardsWaiting);
        var saturated = saturatedFrom >= 0 && saturatedTo > saturatedFrom;
        return new JobTimings(jobId, images, status.ImagesFailed, total, (images - start.Done) / (total - start.Seconds), firstShard, planned)
        {
            DeviceBusySeconds = timeline[^1].DeviceBusySeconds,
            SaturatedSeconds = saturated ? timeline[saturatedTo].Seconds - timeline[saturatedFrom].Seconds : 0,
            SaturatedImages = saturated ? timeline[saturatedTo].Done - timeline[saturatedFrom].Done : 0,
            SaturatedDeviceBusySeconds = saturated ? timeline[saturatedTo].DeviceBusySeconds - timeline[saturatedFrom].DeviceBusySeconds : 0,
        };
    }
}
