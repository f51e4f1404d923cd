using System.Diagnostics.Metrics;

namespace Fleet.Bench.Infrastructure;

/// <summary>Sums the <c>fleet.scheduler.calls</c> counter of every silo in this process.</summary>
internal sealed class SchedulerCallCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _calls;

    public SchedulerCallCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Fleet" && instrument.Name == "fleet.scheduler.calls")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _calls, value));
        _listener.Start();
    }

    public long Calls => Interlocked.Read(ref _calls);

    public void Dispose() => _listener.Dispose();
}
