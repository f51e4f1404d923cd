using System.Diagnostics.Metrics;

namespace Fleet.EndToEnd.Tests;

/// <summary>Counts images every silo in this process ran through the model (Fleet meter), to measure re-processing.</summary>
public sealed class ProcessedImagesMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _images;

    public ProcessedImagesMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Fleet" && instrument.Name is "fleet.images.labeled" or "fleet.images.failed")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _images, value));
        _listener.Start();
    }

    public long Images => Interlocked.Read(ref _images);

    public void Dispose() => _listener.Dispose();
}
