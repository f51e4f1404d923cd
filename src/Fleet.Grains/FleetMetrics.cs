using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fleet.Grains.Labeling;

namespace Fleet.Grains;

/// <summary>
/// The Fleet meter and activity source: what the dashboard shows about the work itself. Every measurement carries the
/// silo's name as <see cref="SiloTagName"/>, so throughput splits per silo even when several silos share a process.
/// </summary>
public sealed class FleetMetrics : IDisposable
{
    public const string Name = "Fleet";
    public const string SiloTagName = "fleet.silo";

    public static readonly ActivitySource Activities = new(Name);

    private readonly Meter _meter;

    public FleetMetrics(IMeterFactory meterFactory, ILocalSiloDetails silo, DeviceBusyClock deviceBusy)
    {
        Silo = new(SiloTagName, silo.Name);
        _meter = meterFactory.Create(Name);
        ImagesLabeled = _meter.CreateCounter<long>("fleet.images.labeled", "{image}", "Images labeled and committed");
        ImagesFailed = _meter.CreateCounter<long>("fleet.images.failed", "{image}", "Images that became error rows");
        CaptionsGenerated = _meter.CreateCounter<long>("fleet.captions.generated", "{caption}", "Captions generated");
        ShardDuration = _meter.CreateHistogram<double>("fleet.shard.duration", "s", "Time from shard start to staged rows");
        QueuedImages = _meter.CreateUpDownCounter<long>("fleet.pipeline.queued", "{image}", "Images downloaded and waiting for decode and inference");
        ActiveLeases = _meter.CreateUpDownCounter<long>("fleet.leases.active", "{lease}", "Shard leases this silo is working on");
        ShardsCommitted = _meter.CreateCounter<long>("fleet.shards.committed", "{shard}", "Shards committed by this silo");
        ShardsAbandoned = _meter.CreateCounter<long>("fleet.shards.abandoned", "{shard}", "Shards this silo gave up (lease lost, commit refused, or an error)");
        SchedulerCalls = _meter.CreateCounter<long>("fleet.scheduler.calls", "{call}", "Calls this silo's worker made to jobs and the registry (lease, renew, commit, report, job list)");
        _meter.CreateObservableCounter("fleet.device.busy", () => new Measurement<double>(deviceBusy.Busy.TotalSeconds, Silo), "s",
            "Seconds this silo's device spent on batches (counted by the control-plane stand-in labeler)");
    }

    /// <summary>The tag to pass with every measurement: this silo's name.</summary>
    public KeyValuePair<string, object?> Silo { get; }

    public Counter<long> ImagesLabeled { get; }
    public Counter<long> ImagesFailed { get; }
    public Counter<long> CaptionsGenerated { get; }
    public Histogram<double> ShardDuration { get; }
    public UpDownCounter<long> QueuedImages { get; }
    public UpDownCounter<long> ActiveLeases { get; }
    public Counter<long> ShardsCommitted { get; }
    public Counter<long> ShardsAbandoned { get; }
    public Counter<long> SchedulerCalls { get; }

    public void Dispose() => _meter.Dispose();
}
