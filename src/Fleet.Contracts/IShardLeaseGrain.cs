namespace Fleet.Contracts;

/// <summary>
/// The work protocol between a silo's worker and a job (implemented by the job grain, same key): lease, renew,
/// begin-commit, report, abandon. Internal: only the fleet's workers call it (InternalsVisibleTo), never an API client.
/// Calls flow worker -> job only, so no call chain can deadlock.
/// </summary>
internal interface IShardLeaseGrain : IGrainWithStringKey
{
    /// <summary>A lease on the next runnable shard for <paramref name="workerId"/>, or null when none is free.</summary>
    Task<ShardLease?> LeaseShard(string workerId);

    /// <summary>Extends a lease; false means stop working on it (expired, superseded, shard done, job stopped).</summary>
    Task<bool> RenewLease(LeaseToken lease);

    /// <summary>Asks to commit; only one lease per shard is granted at a time, and never one that has expired.</summary>
    Task<bool> BeginCommit(LeaseToken lease);

    /// <summary>Records a committed shard; ignored (false) unless this lease was granted the commit.</summary>
    Task<bool> ReportShard(LeaseToken lease, ShardReport report);

    /// <summary>
    /// An isolated lease's worker is about to process the image at <paramref name="item"/> (<see cref="ShardLease.PastLastImage"/>:
    /// it has finished its last one); false means stop (lease lost).
    /// </summary>
    Task<bool> RecordProgress(LeaseToken lease, int item);

    /// <summary>The worker could not run the shard (e.g. output not writable): it goes back to the queue at once; too many attempts fail the job.</summary>
    Task AbandonShard(LeaseToken lease, string reason);

    /// <summary>
    /// The worker gives the shard back through no fault of the shard: it could not reach storage (after its retries), or
    /// its silo is stopping (SIGTERM on a scale-in or a deploy). The shard goes back to the queue at once, no attempt is
    /// counted and no lost worker, so an outage of any length or any number of scale-ins never fails the job or marks a
    /// shard as poison.
    /// </summary>
    Task ReturnShard(LeaseToken lease, string reason);
}
