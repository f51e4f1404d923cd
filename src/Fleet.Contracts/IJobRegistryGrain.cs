using Orleans.Concurrency;

namespace Fleet.Contracts;

/// <summary>
/// The jobs that want workers (key 0, one per cluster, persisted so a restarted cluster finds them again).
/// Jobs announce themselves (an ending job one-way); workers read the list. Calls only flow job -> registry and worker -> registry.
/// </summary>
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>A job wants workers; also files it among its owner's kept jobs. Two-way: a submit returns only once the
    /// registry knows the job, so the API never answers 404 for a job it just accepted.</summary>
    Task Activate(string jobId);

    [OneWay]
    Task Deactivate(string jobId);

    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetActiveJobs();

    /// <summary>
    /// A page of the jobs the registry keeps, newest first: <paramref name="owner"/>'s, or every owner's when null;
    /// only those registered before the cursor <paramref name="before"/> (a page's <see cref="JobKeyPage.Next"/>).
    /// Exactly the jobs <see cref="Knows"/> answers true for.
    /// </summary>
    [AlwaysInterleave]
    Task<JobKeyPage> GetJobs(string? owner, long? before, int max);

    /// <summary>Whether a job of this key is known: what the API asks before it touches a job grain.</summary>
    [AlwaysInterleave]
    Task<bool> Knows(string jobKey);
}
