using System.Collections.Concurrent;
using Fleet.Storage.Scaling;

namespace Fleet.Testing.Orleans;

/// <summary>Pending-work markers in memory, shared by the silos of one in-process test cluster (what the blob container is to a fleet).</summary>
public sealed class InMemoryPendingWorkMarkers : IPendingWorkMarkers
{
    private readonly ConcurrentDictionary<string, bool> _markers = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, bool> _everMarked = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Jobs => _markers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every job that was marked at some point (a short job may be unmarked before a test looks).</summary>
    public IReadOnlyCollection<string> EverMarked => _everMarked.Keys.ToArray();

    public Task MarkAsync(string jobId, CancellationToken cancellationToken)
    {
        _markers[jobId] = true;
        _everMarked[jobId] = true;
        return Task.CompletedTask;
    }

    public Task ClearAsync(string jobId, CancellationToken cancellationToken)
    {
        _markers.TryRemove(jobId, out _);
        return Task.CompletedTask;
    }

    public Task SyncAsync(IReadOnlyCollection<string> activeJobs, CancellationToken cancellationToken)
    {
        foreach (var stale in _markers.Keys.Except(activeJobs, StringComparer.Ordinal))
            _markers.TryRemove(stale, out _);
        foreach (var job in activeJobs)
            _markers[job] = true;
        return Task.CompletedTask;
    }
}
