using Microsoft.Extensions.Logging;

namespace Fleet.Jobs;

/// <summary>
/// Writes a grain's state one write after another: grain calls interleave at awaits and grain storage allows one write
/// at a time (etags). A write that fails is reported to whoever awaited it; the next write carries the newer state anyway.
/// </summary>
public sealed class CheckpointChain(Func<Task> write, ILogger logger)
{
    private Task _last = Task.CompletedTask;

    /// <summary>True when state changed since the last write was queued.</summary>
    public bool Dirty { get; set; }

    public Task WriteAsync()
    {
        Dirty = false;
        _last = WriteAfterAsync(_last);
        return _last;
    }

    public Task FlushAsync() => Dirty ? WriteAsync() : Task.CompletedTask;

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "An earlier checkpoint failed; this one carries the newer state");
        }
        await write();
    }
}
