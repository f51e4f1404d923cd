using Orleans.Concurrency;

namespace Fleet.Contracts;

/// <summary>
/// One job (key = job id), as users see it: submit, resume, cancel, read. The work protocol the silos' workers speak to
/// the same grain is <see cref="IShardLeaseGrain"/>, which is internal to the fleet.
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
}
