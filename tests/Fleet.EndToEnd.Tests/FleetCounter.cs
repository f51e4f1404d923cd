using System.Diagnostics.Metrics;

namespace Fleet.EndToEnd.Tests;

/// <summary>Sums one counter of the Fleet meter over every silo in this process (tests run one at a time).</summary>
public sealed class FleetCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public FleetCounter(params string[] instruments)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Fleet" && instruments.Contains(instrument.Name))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
