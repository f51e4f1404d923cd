using Fleet.Contracts;
using Fleet.Worker.Labeling;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Workers;

/// <summary>
/// Every silo runs one: it pulls shard leases from the running jobs (round robin, so jobs share the fleet) up to
/// its capacity, renews them while it works, asks the job for the commit, commits, and reports. Pull means a fast
/// silo takes more work and a dead one's leases simply expire. A silo told to stop (SIGTERM: a scale-in, a deploy)
/// hands its leases back before it leaves the cluster, so they run elsewhere at once and no lost worker is counted.
/// An <see cref="IWorkerReadiness"/>, where the host registers one, must hold before the first lease.
/// </summary>
public sealed class ShardWorker(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    ShardProcessor processor,
    FleetMetrics metrics,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<ShardWorker> logger,
    IWorkerReadiness? readiness = null) : BackgroundService
{
    private IReadOnlyList<string> _jobs = [];
    private DateTimeOffset _jobsReadAt = DateTimeOffset.MinValue;
    private int _rotation;
    private readonly StorageOutageBackoff _outage = new(time, options.Value.StorageOutageWait, options.Value.StorageOutageMaxWait);

    private string WorkerId => silo.SiloAddress.ToString();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        if (readiness is not null && await readiness.WaitAsync(stoppingToken) is { } notReady)
        {
            // The silo stays in the cluster (its grains, its gateway) but takes no work it would run on the wrong device.
            logger.LogError("Shard worker {Worker} takes no work: {Reason}", WorkerId, notReady);
            return;
        }
        var capacity = options.Value.EffectiveCapacity;
        logger.LogInformation("Shard worker {Worker} started with capacity {Capacity}", WorkerId, capacity);
        var inflight = new List<Task>();
        Task? isolated = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            inflight.RemoveAll(t => t.IsCompleted);
            if (isolated?.IsCompleted == true)
                isolated = null;
            try
            {
                // An isolated (suspect) shard runs alone on this silo: if the silo dies, the job charges the image it
                // had in flight, and no other shard's image may have been the cause.
                while (isolated is null && inflight.Count < capacity && !_outage.Waiting && await TryLeaseAsync() is { } lease)
                {
                    var others = inflight.ToArray();
                    var run = RunLeaseAsync(lease, lease.Isolate ? others : [], stoppingToken);
                    inflight.Add(run);
                    if (lease.Isolate)
                        isolated = run;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster may be starting, or the job's silo just died: try again shortly.
                logger.LogDebug(e, "Worker {Worker} could not get a lease", WorkerId);
            }
            try
            {
                await Task.WhenAny(inflight.Append(Task.Delay(options.Value.PollInterval, time, stoppingToken)));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(inflight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private async Task<ShardLease?> TryLeaseAsync()
    {
        if (time.GetUtcNow() - _jobsReadAt > options.Value.JobListRefresh)
        {
            metrics.SchedulerCalls.Add(1);
            _jobs = await grains.GetGrain<IJobRegistryGrain>(0).GetActiveJobs();
            _jobsReadAt = time.GetUtcNow();
        }
        for (var i = 0; i < _jobs.Count; i++)
        {
            var jobId = _jobs[(_rotation + i) % _jobs.Count];
            metrics.SchedulerCalls.Add(1);
            if (await grains.GetGrain<IShardLeaseGrain>(jobId).LeaseShard(WorkerId) is { } lease)
            {
                // Start the next search after this job: each job gets its turn.
                _rotation = (_rotation + i + 1) % _jobs.Count;
                return lease;
            }
        }
        return null;
    }

    /// <param name="lease">The shard to run.</param>
    /// <param name="runAfter">Shards that must finish first (an isolated lease waits for the silo's other shards, renewing meanwhile).</param>
    /// <param name="stoppingToken">The silo is stopping.</param>
    private async Task RunLeaseAsync(ShardLease lease, Task[] runAfter, CancellationToken stoppingToken)
    {
        await Task.Yield();
        metrics.ActiveLeases.Add(1);
        var job = grains.GetGrain<IShardLeaseGrain>(lease.JobId);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewals = RenewAsync(job, lease, lost);
        // After the renewals start, so they stay out of the job's trace (a call every few seconds per shard).
        using var activity = FleetTelemetry.StartJobActivity("shard", lease.TraceParent);
        activity?.SetTag("fleet.job", lease.JobId);
        activity?.SetTag("fleet.shard", lease.Shard);
        try
        {
            if (runAfter.Length > 0)
                await Task.WhenAll(runAfter).WaitAsync(lost.Token);
            var processed = await processor.RunAsync(lease, item => job.RecordProgress(lease.Token, item), lost.Token);
            metrics.SchedulerCalls.Add(1);
            if (!await job.BeginCommit(lease.Token))
            {
                await processed.Staged.DiscardAsync(CancellationToken.None);
                Abandoned(lease, "commit refused: the lease expired or another attempt is committing");
                return;
            }
            using (FleetTelemetry.Activities.StartActivity("commit part"))
                await processed.Staged.CommitAsync(stoppingToken);
            metrics.SchedulerCalls.Add(1);
            _outage.Succeeded();
            if (await job.ReportShard(lease.Token, processed.Report))
                metrics.ShardsCommitted.Add(1);
            else
                Abandoned(lease, "report ignored: the shard was already done");
        }
        catch (ShardSupersededException e)
        {
            Abandoned(lease, e.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping, the cluster is still up (this service stops before Orleans does): give the shard
            // back now instead of letting the lease expire and be charged as a lost worker when the silo leaves.
            Abandoned(lease, "silo stopping, handed back");
            await TryAsync(() => job.ReturnShard(lease.Token, "its silo is stopping"));
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            Abandoned(lease, "lease lost");
        }
        catch (Exception e) when (StorageUnavailableException.IsOutage(e) && !stoppingToken.IsCancellationRequested)
        {
            // Storage is down: not the shard's fault, so no attempt is counted; wait before leasing more (StorageOutageBackoff).
            _outage.Failed();
            Abandoned(lease, $"storage unavailable: {e.Message}");
            await TryAsync(() => job.ReturnShard(lease.Token, $"storage unavailable: {e.Message}"));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} shard {Shard} failed on {Worker}", lease.JobId, lease.Shard, WorkerId);
            metrics.ShardsAbandoned.Add(1);
            await TryAsync(() => job.AbandonShard(lease.Token, $"{e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            await lost.CancelAsync();
            await renewals;
            metrics.ActiveLeases.Add(-1);
        }
    }

    /// <summary>Keeps the lease alive; when the job says no (expired, superseded, cancelled), stops the work.</summary>
    private async Task RenewAsync(IShardLeaseGrain job, ShardLease lease, CancellationTokenSource lost)
    {
        var interval = options.Value.RenewInterval ?? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond / 10, (lease.ExpiresAt - time.GetUtcNow()).Ticks / 3));
        while (!lost.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, lost.Token);
                metrics.SchedulerCalls.Add(1);
                if (!await job.RenewLease(lease.Token))
                {
                    logger.LogInformation("Job {JobId} shard {Shard}: lease lost on {Worker}, stopping", lease.JobId, lease.Shard, WorkerId);
                    await lost.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested)
            {
                // The shard finished or was abandoned.
            }
            catch (Exception e)
            {
                // The job could not be reached this time (its silo died, a call timed out): keep working and keep
                // renewing. The next renewal or the commit request decides whether the work counts.
                logger.LogDebug(e, "Renewing job {JobId} shard {Shard} failed; trying again", lease.JobId, lease.Shard);
            }
        }
    }

    private void Abandoned(ShardLease lease, string why)
    {
        metrics.ShardsAbandoned.Add(1);
        logger.LogInformation("Job {JobId} shard {Shard} abandoned on {Worker}: {Why}", lease.JobId, lease.Shard, WorkerId, why);
    }

    private async Task TryAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "A call to a job failed; its lease will expire instead");
        }
    }
}
