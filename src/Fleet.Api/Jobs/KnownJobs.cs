using System.Collections.Concurrent;
using Fleet.Contracts;

namespace Fleet.Api.Jobs;

/// <summary>
/// Answers "is there such a job?" from the registry, so a request for a made-up key activates no job grain. The
/// registry keeps each owner's newest jobs apart (<c>JobRegistryGrain.MaxRecentPerOwner</c>), and this asks it about
/// the one key, so the API addresses exactly the jobs the registry keeps, and one owner's flood evicts only its own.
/// </summary>
public sealed class KnownJobs(IClusterClient fleet)
{
    // Submitted through this API: the registry hears of a new job one-way, maybe after the client's next request.
    private readonly ConcurrentDictionary<string, byte> _submitted = new(StringComparer.Ordinal);

    public void Submitted(string key) => _submitted.TryAdd(key, 0);

    public async Task<bool> ExistsAsync(string key) =>
        JobIds.Split(key) is not null && (_submitted.ContainsKey(key) || await fleet.GetGrain<IJobRegistryGrain>(0).Knows(key));
}
