using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// Reads <c>fleet.device.busy</c> (seconds each silo's stand-in device spent on batches, counting the batch running
/// now) from every silo in this process, summed: device utilisation measured directly, not inferred from the rate.
/// </summary>
internal sealed class DeviceBusyMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<object, double> _bySilo = new();

    public DeviceBusyMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Fleet" && instrument.Name == "fleet.device.busy")
                listener.EnableMeasurementEvents(instrument);
        };
        // An observable counter reports its running total; keep the latest per silo.
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            _bySilo[tags.Length > 0 ? tags[0].Value ?? "" : ""] = value);
        _listener.Start();
    }

    /// <summary>Busy seconds of each silo's device so far.</summary>
    public IReadOnlyDictionary<object, double> Read()
    {
        _listener.RecordObservableInstruments();
        return new Dictionary<object, double>(_bySilo);
    }

    public void Dispose() => _listener.Dispose();
}
