using System.Collections.Concurrent;
using Fleet.Storage.Scaling;

namespace Fleet.Testing.Orleans;

/// <summary>Pending-work markers in memory, shared by the silos of one in-process test cluster (what the blob container is to a fleet).</summary>
public sealed class InMemoryPendingWorkMarkers : IPendingWorkMarkers
{
    private readonly ConcurrentDictionary<string, bool> _markers = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, bool> _everMarked = new(StringComparer.Ordinal);

    private TaskCompletionSource _gate = Completed();

    private int _inFlight;

    public IReadOnlyCollection<string> Jobs => _markers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Calls that have started and not yet returned (held ones included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Every call waits, as on a storage account that does not answer, until the returned action is run.</summary>
    public Action Hold()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = gate;
        return () => gate.TrySetResult();
    }

    /// <summary>Every job that was marked at some point (a short job may be unmarked before a test looks).</summary>
    public IReadOnlyCollection<string> EverMarked => _everMarked.Keys.ToArray();

    public Task MarkAsync(string jobId, CancellationToken cancellationToken) => WhenOpenAsync(() =>
    {
        _markers[jobId] = true;
        _everMarked[jobId] = true;
    });

    public Task ClearAsync(string jobId, CancellationToken cancellationToken) => WhenOpenAsync(() => _markers.TryRemove(jobId, out _));

    public Task SyncAsync(IReadOnlyCollection<string> activeJobs, CancellationToken cancellationToken) => WhenOpenAsync(() =>
    {
        foreach (var stale in _markers.Keys.Except(activeJobs, StringComparer.Ordinal))
            _markers.TryRemove(stale, out _);
        foreach (var job in activeJobs)
            _markers[job] = true;
    });

    private async Task WhenOpenAsync(Action change)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await _gate.Task;
            change();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static TaskCompletionSource Completed()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }
}
