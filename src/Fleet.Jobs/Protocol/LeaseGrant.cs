namespace Fleet.Jobs.Protocol;

/// <summary>
/// A lease the scheduler granted: the lease, the shard's isolation if it runs one image at a time, and whether the
/// grant must be persisted before the worker has it (<see cref="ShardScheduler.Lease"/>).
/// </summary>
public sealed record LeaseGrant(ActiveLease Lease, ShardIsolation? Isolation, bool WaitForWrite);
