using System.Diagnostics.Metrics;
using Fleet.Inference.Classification;
using Fleet.Telemetry;
using Fleet.Worker.Labeling;

namespace Fleet.Worker;

/// <summary>
/// The Fleet meter and activity source: what the dashboard shows about the work itself. Every measurement carries the
/// silo's name as <see cref="FleetTelemetry.SiloTagName"/>, so throughput splits per silo even when several silos share a process.
/// </summary>
public sealed class FleetMetrics : IDisposable
{
    private readonly Meter _meter;

    public FleetMetrics(IMeterFactory meterFactory, ILocalSiloDetails silo, DeviceBusyClock deviceBusy, DecodeWorkers decoders)
    {
        KeyValuePair<string, object?> siloTag = new(FleetTelemetry.SiloTagName, silo.Name);
        _meter = meterFactory.Create(FleetTelemetry.MeterName);
        SiloCounter Counter(string name, string unit, string description) => new(_meter.CreateCounter<long>(name, unit, description).Add, siloTag);
        SiloCounter UpDownCounter(string name, string unit, string description) => new(_meter.CreateUpDownCounter<long>(name, unit, description).Add, siloTag);
        ImagesLabeled = Counter("fleet.images.labeled", "{image}", "Images labeled and committed");
        ImagesFailed = Counter("fleet.images.failed", "{image}", "Images that became error rows");
        CaptionsGenerated = Counter("fleet.captions.generated", "{caption}", "Captions generated");
        ShardDuration = new(_meter.CreateHistogram<double>("fleet.shard.duration", "s", "Time from shard start to staged rows"), siloTag);
        QueuedImages = UpDownCounter("fleet.pipeline.queued", "{image}", "Images downloaded and waiting for decode and inference");
        ActiveLeases = UpDownCounter("fleet.leases.active", "{lease}", "Shard leases this silo is working on");
        ShardsCommitted = Counter("fleet.shards.committed", "{shard}", "Shards committed by this silo");
        ShardsAbandoned = Counter("fleet.shards.abandoned", "{shard}", "Shards this silo gave up (lease lost, commit refused, or an error)");
        SchedulerCalls = Counter("fleet.scheduler.calls", "{call}", "Calls this silo's worker made to jobs and the registry (lease, renew, commit, report, job list)");
        _meter.CreateObservableCounter("fleet.device.busy", () => new Measurement<double>(deviceBusy.Busy.TotalSeconds, siloTag), "s",
            "Seconds this silo's model spent on batches (the classifier's runs, or the control-plane stand-in's waits)");
        // Decode beside the model: decode busy / (threads x wall) near 1 with device busy well under 1 means decode-bound.
        _meter.CreateObservableCounter("fleet.decode.images", () => new Measurement<long>(decoders.ImagesDecoded, siloTag), "{image}",
            "Images this silo's decoders decoded and preprocessed (failed ones included); its rate is the decode rate");
        _meter.CreateObservableCounter("fleet.decode.busy", () => new Measurement<double>(decoders.BusyTime.TotalSeconds, siloTag), "s",
            "Decoder thread seconds spent decoding, summed over threads (at most fleet.decode.threads x wall seconds)");
        _meter.CreateObservableGauge("fleet.decode.threads", () => new Measurement<int>(decoders.Threads, siloTag), "{thread}",
            "Decoder threads of this silo (Fleet:Inference:DecodeThreads, one per core by default)");
    }

    public SiloCounter ImagesLabeled { get; }
    public SiloCounter ImagesFailed { get; }
    public SiloCounter CaptionsGenerated { get; }
    public SiloHistogram ShardDuration { get; }
    public SiloCounter QueuedImages { get; }
    public SiloCounter ActiveLeases { get; }
    public SiloCounter ShardsCommitted { get; }
    public SiloCounter ShardsAbandoned { get; }
    public SiloCounter SchedulerCalls { get; }

    public void Dispose() => _meter.Dispose();
}
