using Orleans.Concurrency;

namespace Fleet.Contracts;

/// <summary>
/// The jobs that want workers (key 0, one per cluster, persisted so a restarted cluster finds them again).
/// Jobs announce themselves one-way; workers read the list. Calls only flow job -> registry and worker -> registry.
/// </summary>
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Activate(string jobId);

    [OneWay]
    Task Deactivate(string jobId);

    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetActiveJobs();

    /// <summary>Every job id ever registered, newest first (for `fleet jobs`).</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetRecentJobs(int max);

    /// <summary>The keys of <paramref name="owner"/>'s jobs, newest first (each owner's list is kept apart, so one
    /// owner's flood of jobs never pushes another's out).</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetRecentJobsOf(string owner, int max);

    /// <summary>Whether a job of this key is known: what the API asks before it touches a job grain.</summary>
    [AlwaysInterleave]
    Task<bool> Knows(string jobKey);
}
