using Microsoft.Extensions.Logging;

namespace Fleet.Jobs;

/// <summary>
/// Writes a grain's state one write after another (grain storage allows one write at a time: etags), and groups the
/// asks: while a write is in flight, every later ask shares the one write queued behind it, which has not read the
/// state yet and so carries all their changes. A job that leases thousands of shards a second then writes at the pace
/// of its storage, not once per lease. A write that fails is reported to whoever awaited it; the next carries the newer
/// state anyway.
/// </summary>
public sealed class CheckpointChain(Func<Task> write, ILogger logger)
{
    private Task _last = Task.CompletedTask;
    private QueuedWrite? _queued;

    /// <summary>True when state changed since the last write was queued.</summary>
    public bool Dirty { get; set; }

    public Task WriteAsync()
    {
        Dirty = false;
        if (_queued is { Started: false } waiting)
            return waiting.Task;
        var next = new QueuedWrite();
        _queued = next;
        next.Task = _last = WriteAfterAsync(_last, next);
        return next.Task;
    }

    /// <summary>Completes when every change made so far is written: a write for what is dirty, else the one in flight.</summary>
    public Task DrainAsync() => Dirty ? WriteAsync() : _last;

    private async Task WriteAfterAsync(Task previous, QueuedWrite self)
    {
        try
        {
            await previous;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "An earlier checkpoint failed; this one carries the newer state");
        }
        // From here the write reads the state: a change made after this needs a write of its own.
        self.Started = true;
        await write();
    }

    private sealed class QueuedWrite
    {
        public bool Started { get; set; }

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
