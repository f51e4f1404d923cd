using Fleet.Contracts;
using Fleet.Jobs.Protocol;
using Fleet.Storage.Security;
using Microsoft.Extensions.Logging;

namespace Fleet.Jobs;

/// <summary>What workers ask (<see cref="IShardLeaseGrain"/>): each call is a guard, the scheduler's decision, and the write that decision needs.</summary>
public sealed partial class JobGrain
{
    public async Task<ShardLease?> LeaseShard(string workerId)
    {
        if (!Job.IsActive || _finishing || await CountLostLeasesAsync() || Scheduler.Lease(workerId) is not { } grant)
            return null;
        // Only a lease whose loss must be counted waits for its write (ShardScheduler.MustPersistFirst); the rest are written behind.
        if (grant.WaitForWrite)
        {
            try
            {
                await _checkpoints.WriteAndWaitAsync();
                if (grant.Resized is { } step)
                    logger.LogInformation("Job {JobId}: shards from {Shard} on are slices of {Bytes} bytes ({Shards} shards), sized by their measured time", JobId, step.FromShard, step.SliceBytes, Job.ShardCount);
            }
            catch (Exception e)
            {
                Scheduler.Withdraw(grant.Token);
                logger.LogWarning("Job {JobId}: a lease on shard {Shard} was not handed out, its checkpoint failed: {Error}", JobId, grant.Lease.Shard, SecretRedactor.Text(e.Message));
                return null;
            }
        }
        else
        {
            _checkpoints.WriteBehind();
        }
        return grant.ToShardLease(JobId, Job);
    }

    public async Task<bool> RecordProgress(LeaseToken lease, int item)
    {
        if (!Job.IsActive || !Scheduler.StartImage(lease, item))
            return Refused(lease);
        // Persisted before the worker touches the image: if the worker dies (and this grain with it), the image is known.
        await _checkpoints.WriteAndWaitAsync();
        return true;
    }

    public Task<bool> RenewLease(LeaseToken lease) =>
        Task.FromResult((Job.IsActive && Scheduler.Renew(lease)) || Refused(lease));

    public Task<bool> BeginCommit(LeaseToken lease) =>
        Task.FromResult((Job.IsActive && Scheduler.BeginCommit(lease)) || Refused(lease));

    public async Task<bool> ReportShard(LeaseToken lease, ShardReport report)
    {
        if (!Job.IsActive || !Scheduler.Commit(lease, report))
        {
            logger.LogInformation("Job {JobId} ignored a report for shard {Shard} from a superseded lease", JobId, lease.Shard);
            return Refused(lease);
        }
        _rate.Add(report.Succeeded + report.Failed);
        _checkpoints.Dirty = true;

        await SettleAsync();
        return true;
    }

    public async Task AbandonShard(LeaseToken lease, string reason)
    {
        if (!Job.IsActive || Scheduler.GiveUp(lease) is not { } attempt)
        {
            Refused(lease);
            return;
        }
        _checkpoints.Dirty = true;
        reason = SecretRedactor.Text(reason);
        logger.LogWarning("Job {JobId} shard {Shard} failed (attempt {Attempt}): {Reason}", JobId, lease.Shard, attempt.Attempts, reason);
        if (attempt.Exhausted)
            await StopAsync(JobState.Failed, $"shard {lease.Shard} failed {attempt.Attempts} times: {reason}");
    }

    public Task ReturnShard(LeaseToken lease, string reason)
    {
        // Not an attempt: storage was down or the worker's silo is stopping; neither the shard nor the worker is at fault (IShardLeaseGrain.ReturnShard).
        if (Job.IsActive && Scheduler.Return(lease))
        {
            _checkpoints.Dirty = true;
            logger.LogWarning("Job {JobId} shard {Shard} returned to the queue: {Reason}", JobId, lease.Shard, SecretRedactor.Text(reason));
        }
        else
        {
            Refused(lease);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A call under a lease that is no longer valid: always false. Its holder is alive, so the lease was not lost with
    /// a worker (a slow worker, a pause, a partition, this grain's re-activation: no crash, no poison).
    /// </summary>
    private bool Refused(LeaseToken lease)
    {
        if (Scheduler.Answered(lease))
        {
            _checkpoints.Dirty = true;
            logger.LogInformation("Job {JobId} shard {Shard}: the holder of a lost lease answered; it is not counted as a lost worker", JobId, lease.Shard);
        }
        return false;
    }


    /// <summary>Counts lost leases (<see cref="ShardScheduler.CountLosses"/>) and writes them before the job goes on. True when that failed the job.</summary>
    private async Task<bool> CountLostLeasesAsync(bool endLeasesOfDead = false)
    {
        var losses = Scheduler.CountLosses(_deadSilos.IsDead, endLeasesOfDead);
        foreach (var lease in losses.Expired)
            logger.LogInformation("Job {JobId} shard {Shard}: the lease of {Worker} expired; the shard goes to another worker", JobId, lease.Shard, lease.Worker);
        foreach (var (loss, nowIsolated) in losses.Lost)
        {
            logger.LogWarning("Job {JobId} shard {Shard}: a worker was lost{Blame}{Isolation}", JobId, loss.Shard,
                loss.Item is { } item ? $" with image {item} in flight" : "", nowIsolated ? "; the shard now runs one image at a time" : "");
        }
        if (losses.Exhausted is { } fatal)
        {
            await StopAsync(JobState.Failed, $"shard {fatal.Shard} lost {fatal.Attempts} workers");
            return true;
        }
        if (losses.Changed)
            await _checkpoints.WriteAndWaitAsync();
        return false;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Job.IsActive && await CountLostLeasesAsync(endLeasesOfDead: true))
            return;
        await _checkpoints.FlushAsync();
    }
}
