using Orleans.Concurrency;

namespace Fleet.Contracts;

/// <summary>One job (key = job id): validates and persists its spec, plans shards, runs them, checkpoints progress.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the job. Submitting the same id again resumes it (what is committed stays committed);
    /// a different spec for an existing id is rejected.
    /// </summary>
    Task<SubmitResult> Submit(JobSpec spec);

    /// <summary>Progress reads interleave with the running job so they never wait behind it.</summary>
    [AlwaysInterleave]
    Task<JobStatus> GetStatus();
}
