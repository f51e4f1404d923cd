using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Fleet.EndToEnd.Tests;

/// <summary>Sums counters of the Fleet meter over every silo in this process, and per fleet.silo tag (tests run one at a time).</summary>
public sealed class FleetCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _bySilo = new();
    private long _total;

    public FleetCounter(params string[] instruments)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Fleet" && instruments.Contains(instrument.Name))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            Interlocked.Add(ref _total, value);
            string? silo = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "fleet.silo")
                    silo = tag.Value as string;
            }
            _bySilo.AddOrUpdate(silo ?? "(untagged)", value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    /// <summary>The sums per fleet.silo tag value; measurements without the tag count under "(untagged)".</summary>
    public IReadOnlyDictionary<string, long> BySilo => new Dictionary<string, long>(_bySilo);

    public void Dispose() => _listener.Dispose();
}
