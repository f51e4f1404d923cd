using Fleet.Storage.Security;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Fleet.Jobs;

/// <summary>
/// When and how a job's record is written (clock-injected): writes grouped by <see cref="CheckpointChain"/>, a write a
/// call waits for that gives the leases the time it took (<paramref name="stalled"/>), a write nobody waits for, and
/// the etag conflict that ends the activation (<paramref name="deactivate"/>).
/// </summary>
public sealed class JobCheckpoints(Func<Task> write, TimeProvider time, Action<DateTimeOffset, TimeSpan> stalled, Action deactivate, string jobId, ILogger logger)
{
    private CheckpointChain? _chain;
    private CheckpointChain Chain => _chain ??= new(WriteOnceAsync, logger);

    /// <summary>True when the record changed since the last write was queued; the timer's <see cref="FlushAsync"/> writes it.</summary>
    public bool Dirty
    {
        get => Chain.Dirty;
        set => Chain.Dirty = value;
    }

    /// <summary>A write from work that holds no call (planning): the leases' clocks run on meanwhile.</summary>
    public Task WriteAsync() => Chain.WriteAsync();

    /// <summary>
    /// Writes and waits. Calls do not interleave, so meanwhile the grain answers no one: while storage is slow or down
    /// no worker's renewal gets through, and the leases' clocks stop for as long as the wait took. Without this, every
    /// lease expired during a storage outage and each was charged as a lost worker though none was.
    /// </summary>
    public async Task WriteAndWaitAsync()
    {
        var started = time.GetUtcNow();
        try
        {
            await Chain.WriteAsync();
        }
        finally
        {
            stalled(started, time.GetUtcNow() - started);
        }
    }

    /// <summary>Queues a write nobody waits for (it holds no call, so the leases' clocks run on). A failure leaves the record dirty for the next flush.</summary>
    public void WriteBehind() => _ = WriteBehindAsync();

    public Task FlushAsync() => Dirty ? WriteAndWaitAsync() : Task.CompletedTask;

    /// <summary>Writes what is not yet written, including a write-behind still in flight: the activation is ending.</summary>
    public Task DrainAsync() => Chain.DrainAsync();

    private async Task WriteBehindAsync()
    {
        try
        {
            await Chain.WriteAsync();
        }
        catch (Exception e)
        {
            Dirty = true;
            logger.LogWarning("Job {JobId}: a checkpoint failed; the next one carries it: {Error}", jobId, SecretRedactor.Text(e.Message));
        }
    }

    private async Task WriteOnceAsync()
    {
        try
        {
            await write();
        }
        catch (InconsistentStateException e)
        {
            // The stored record's etag is not the one this activation holds: a write that timed out in an outage but
            // landed, or another activation. Every later write would fail the same way, so this activation ends and
            // the next call re-activates the job from what is stored (shards done since are run again, replacing
            // their parts; leases out become pending losses their live holders clear).
            logger.LogWarning("Job {JobId}: the stored checkpoint changed under this activation ({Error}); re-activating from it", jobId, e.Message);
            deactivate();
            throw;
        }
    }
}
