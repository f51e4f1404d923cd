using System.Collections.Concurrent;
using Fleet.Contracts;

namespace Fleet.Api.Jobs;

/// <summary>
/// Answers "is there such a job?" from the registry, so a request for a made-up id activates no grain: an id that is
/// not a valid job id, or that neither the registry's recent jobs nor this API's own submissions know, is not found.
/// The registry's list is cached for a moment (many reads, one registry call).
/// </summary>
public sealed class KnownJobs(IClusterClient fleet, TimeProvider time) : IDisposable
{
    /// <summary>How many of the newest jobs are looked at; an older job is answered as unknown.</summary>
    public const int RecentJobs = 10_000;

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    // Submitted through this API: the registry hears of a new job one-way, maybe after the client's next request.
    private readonly ConcurrentDictionary<string, byte> _submitted = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot _recent = new(new HashSet<string>(StringComparer.Ordinal), DateTimeOffset.MinValue);

    public void Submitted(string id) => _submitted.TryAdd(id, 0);

    public async Task<bool> ExistsAsync(string id)
    {
        if (!JobIds.IsValid(id))
            return false;
        if (_submitted.ContainsKey(id) || _recent.Ids.Contains(id))
            return true;
        // Not seen: look once more at a fresh list (the job may be newer than the cache).
        return (await RefreshAsync()).Ids.Contains(id);
    }

    private async Task<Snapshot> RefreshAsync()
    {
        await _refresh.WaitAsync();
        try
        {
            if (time.GetUtcNow() - _recent.Taken < CacheFor)
                return _recent;
            var ids = await fleet.GetGrain<IJobRegistryGrain>(0).GetRecentJobs(RecentJobs);
            _recent = new Snapshot(new HashSet<string>(ids, StringComparer.Ordinal), time.GetUtcNow());
            return _recent;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record Snapshot(HashSet<string> Ids, DateTimeOffset Taken);
}
