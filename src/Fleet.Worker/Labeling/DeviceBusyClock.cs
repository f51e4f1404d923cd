namespace Fleet.Worker.Labeling;

/// <summary>
/// Adds up the time this silo's device spends on batches, including the batch running now, so a reader can tell
/// device utilisation directly (busy seconds over wall seconds) instead of inferring it from the throughput.
/// The model labeler marks each classifier run, the control-plane stand-in each wait; published as
/// <c>fleet.device.busy</c> by <see cref="FleetMetrics"/>, beside <c>fleet.decode.busy</c>.
/// </summary>
public sealed class DeviceBusyClock(TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _busyTicks;
    private long _busySince;
    private int _running;

    /// <summary>Busy time so far, counting the open part of any batch still running.</summary>
    public TimeSpan Busy
    {
        get
        {
            lock (_lock)
            {
                var open = _running > 0 ? time.GetElapsedTime(_busySince).Ticks : 0;
                return TimeSpan.FromTicks(_busyTicks + open);
            }
        }
    }

    /// <summary>Marks the device busy until the returned scope is disposed. Overlapping scopes count once.</summary>
    public BusyScope Start()
    {
        lock (_lock)
        {
            if (_running++ == 0)
                _busySince = time.GetTimestamp();
        }
        return new BusyScope(this);
    }

    private void Stop()
    {
        lock (_lock)
        {
            if (--_running == 0)
                _busyTicks += time.GetElapsedTime(_busySince).Ticks;
        }
    }

    /// <summary>One batch on the device; dispose when it is done.</summary>
    public readonly struct BusyScope(DeviceBusyClock clock) : IDisposable
    {
        public void Dispose() => clock.Stop();
    }
}
