using Fleet.Contracts;

namespace Fleet.Api.Jobs;

/// <summary>
/// Answers "is there such a job?" from the registry, so a request for a made-up key activates no job grain, and the
/// API addresses exactly the jobs the registry keeps (each owner's newest <c>Fleet:Jobs:Registry:MaxJobsPerOwner</c>,
/// active ones always; one owner's flood forgets only its own). A submit returns once the registry knows the job.
/// </summary>
public sealed class KnownJobs(IClusterClient fleet)
{
    public async Task<bool> ExistsAsync(string key) =>
        JobIds.Split(key) is not null && await fleet.GetGrain<IJobRegistryGrain>(0).Knows(key);
}
