using Fleet.Contracts;

namespace Fleet.Jobs.Protocol;

/// <summary>
/// A lease the scheduler granted: the lease, the shard's isolation if it runs one image at a time, and whether the
/// grant must be persisted before the worker has it (<see cref="ShardScheduler.Lease"/>).
/// </summary>
public sealed record LeaseGrant(ActiveLease Lease, ShardIsolation? Isolation, bool WaitForWrite)
{
    public LeaseToken Token => new(Lease.Shard, Lease.Id);

    /// <summary>The resize this lease made (adaptive shard size: the shards from its limit on), for the grain to log; null for most.</summary>
    public Planning.SliceStep? Resized { get; init; }

    /// <summary>The lease as its worker gets it: the job's spec and trace, and how to run an isolated shard.</summary>
    public ShardLease ToShardLease(string jobId, JobRecord job) => new()
    {
        JobId = jobId,
        Shard = Lease.Shard,
        LeaseId = Lease.Id,
        ExpiresAt = Lease.ExpiresAt,
        Spec = job.Spec!,
        Speculative = Lease.Speculative,
        Isolate = Isolation is not null,
        Poisoned = Isolation?.Poisoned.ToArray() ?? [],
        TraceParent = job.TraceParent,
        Slice = job.Plan?.Slice(Lease.Shard),
    };
}
