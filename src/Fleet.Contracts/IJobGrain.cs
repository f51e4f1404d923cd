using Orleans.Concurrency;

namespace Fleet.Contracts;

/// <summary>
/// One job (key = job id): validates and persists its spec, plans shards, leases them to workers, records
/// commits and checkpoints progress. Workers call it; it never calls workers, so nothing can deadlock.
/// </summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the job. Submitting the same spec again resumes it (what is committed stays committed);
    /// a different spec for an existing id is rejected.
    /// </summary>
    Task<SubmitResult> Submit(JobSpec spec);

    /// <summary>Re-opens pending shards and shards with failed images of a job that is not running.</summary>
    Task<SubmitResult> Resume();

    /// <summary>Stops leasing; in-flight shards are abandoned (their commits are refused).</summary>
    Task<JobStatus> Cancel();

    /// <summary>Progress reads interleave with everything else so they never wait behind the job.</summary>
    [AlwaysInterleave]
    Task<JobStatus> GetStatus();

    /// <summary>A lease on the next runnable shard for <paramref name="workerId"/>, or null when none is free.</summary>
    Task<ShardLease?> LeaseShard(string workerId);

    /// <summary>Extends a lease; false means stop working on it (expired, superseded, shard done, job stopped).</summary>
    Task<bool> RenewLease(int shard, Guid leaseId);

    /// <summary>Asks to commit; only one lease per shard is granted at a time, and never one that has expired.</summary>
    Task<bool> BeginCommit(int shard, Guid leaseId);

    /// <summary>Records a committed shard; ignored (false) unless this lease was granted the commit.</summary>
    Task<bool> ReportShard(int shard, Guid leaseId, ShardReport report);

    /// <summary>The worker could not run the shard (e.g. output not writable): it goes back to the queue at once; too many attempts fail the job.</summary>
    Task AbandonShard(int shard, Guid leaseId, string reason);
}
