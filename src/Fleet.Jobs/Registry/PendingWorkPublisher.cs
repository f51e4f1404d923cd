using Fleet.Storage.Scaling;
using Microsoft.Extensions.Logging;

namespace Fleet.Jobs.Registry;

/// <summary>
/// Publishes the registry's marker changes one after another, in the order the registry made them, off the grain's
/// turn: the markers only scale the fleet, so their storage being slow or down (retries through the storage pipeline
/// can take longer than Orleans' 30 s activation timeout) must not hold up the registry's activation or its calls.
/// Order matters: a sync of the active set taken at activation must not run after, and undo, a job marked since.
/// A change that fails is logged; the registry's next activation syncs it right.
/// </summary>
internal sealed class PendingWorkPublisher(IPendingWorkMarkers markers, ILogger logger)
{
    private Task _tail = Task.CompletedTask;

    /// <summary>Makes the markers exactly <paramref name="activeJobs"/> (a copy is taken now).</summary>
    public void Sync(IEnumerable<string> activeJobs)
    {
        var snapshot = activeJobs.ToArray();
        Post("sync", ct => markers.SyncAsync(snapshot, ct));
    }

    public void Mark(string jobId) => Post(jobId, ct => markers.MarkAsync(jobId, ct));

    public void Clear(string jobId) => Post(jobId, ct => markers.ClearAsync(jobId, ct));

    /// <summary>
    /// Waits up to <paramref name="patience"/> for what was posted. What is left still runs (its retries are bounded by
    /// the storage pipeline); the registry's next activation syncs whatever it leaves wrong.
    /// </summary>
    public async Task StopAsync(TimeSpan patience)
    {
        try
        {
            await _tail.WaitAsync(patience).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Pending-work markers not all published within {Patience}; the registry's next activation syncs them", patience);
        }
    }

    /// <summary>Called on the grain's turn only (one at a time), so the chain needs no lock.</summary>
    private void Post(string what, Func<CancellationToken, Task> publish) =>
        _tail = _tail.ContinueWith(_ => PublishAsync(what, publish), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();

    private async Task PublishAsync(string what, Func<CancellationToken, Task> publish)
    {
        try
        {
            await publish(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Pending-work marker ({What}) not updated: {Error}", what, e.Message);
        }
    }
}
