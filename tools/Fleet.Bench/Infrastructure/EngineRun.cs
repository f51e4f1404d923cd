using System.Diagnostics;
using Fleet.Cli.Embedded;
using Fleet.Contracts;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// The real `fleet run` engine in this process: <see cref="EmbeddedFleet"/> (Azurite + in-process silos), one job
/// submitted and watched to the end. The timeline of committed images gives the steady-state rate.
/// </summary>
internal sealed class EngineRun : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly string _work;

    private EngineRun(EmbeddedFleet fleet, string work, double startSeconds)
    {
        Fleet = fleet;
        _work = work;
        StartSeconds = startSeconds;
    }

    public EmbeddedFleet Fleet { get; }

    /// <summary>Seconds to start Azurite and the silos.</summary>
    public double StartSeconds { get; }

    public static async Task<EngineRun> StartAsync(int silos, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"fleet-bench-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(work);
        var clock = Stopwatch.StartNew();
        var fleet = await EmbeddedFleet.StartAsync(Environment.GetEnvironmentVariable("FLEET_STORAGE"), Path.Combine(work, ".fleet"), silos, cancellationToken);
        return new EngineRun(fleet, work, clock.Elapsed.TotalSeconds);
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
        var clock = Stopwatch.StartNew();
        var submitted = await job.Submit(spec);
        if (!submitted.Accepted)
            throw new InvalidOperationException($"job rejected: {submitted.Status.Reason}");

        var timeline = new List<(double Seconds, long Done)>();
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
            timeline.Add((now, status.ImagesDone));
            if (status.State is not (JobState.Planning or JobState.Running))
                break;
            await Task.Delay(Poll, cancellationToken);
        }
        if (status.State != JobState.Succeeded)
            throw new InvalidOperationException($"job {jobId} ended {status.State}: {status.Reason}");
        return JobTimings.From(status, timeline, firstShard ?? double.NaN, planned ?? double.NaN);
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
                return new JobTimings(status.ImagesTotal, 0, planned, double.NaN, firstShard ?? planned, planned);
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
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

/// <summary>One job's timings: whole job, steady state (after the first committed images), planning.</summary>
internal sealed record JobTimings(long Images, long Failed, double JobSeconds, double SteadyImagesPerSecond, double FirstShardSeconds, double PlanningSeconds)
{
    public double JobImagesPerSecond => Images / JobSeconds;

    public static JobTimings From(JobStatus status, List<(double Seconds, long Done)> timeline, double firstShard, double planned)
    {
        var total = timeline[^1].Seconds;
        var images = status.ImagesDone;
        // Steady state: from the first poll that saw committed images to the end, so planning, model load and the
        // first shard's pipeline fill are left out. Falls back to the whole job for a job too short to tell.
        var first = timeline.FindIndex(p => p.Done > 0);
        var steady = first >= 0 && total - timeline[first].Seconds > 0.5 && images > timeline[first].Done
            ? (images - timeline[first].Done) / (total - timeline[first].Seconds)
            : images / total;
        return new JobTimings(images, status.ImagesFailed, total, steady, firstShard, planned);
    }
}
