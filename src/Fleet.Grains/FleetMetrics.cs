using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Fleet.Grains;

/// <summary>The Fleet meter and activity source: what the dashboard shows about the work itself.</summary>
public sealed class FleetMetrics : IDisposable
{
    public const string Name = "Fleet";

    public static readonly ActivitySource Activities = new(Name);

    private readonly Meter _meter;

    public FleetMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        ImagesLabeled = _meter.CreateCounter<long>("fleet.images.labeled", "{image}", "Images labeled and committed");
        ImagesFailed = _meter.CreateCounter<long>("fleet.images.failed", "{image}", "Images that became error rows");
        ShardDuration = _meter.CreateHistogram<double>("fleet.shard.duration", "s", "Time from shard start to commit");
    }

    public Counter<long> ImagesLabeled { get; }
    public Counter<long> ImagesFailed { get; }
    public Histogram<double> ShardDuration { get; }

    public void Dispose() => _meter.Dispose();
}
