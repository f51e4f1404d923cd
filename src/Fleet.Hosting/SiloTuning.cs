using Fleet.Inference.Runtime;
using Fleet.Worker.Workers;

namespace Fleet.Hosting;

/// <summary>
/// What a silo runs with on this machine, each setting from configuration or else from the core count: shards in
/// flight (each decoding its next batch over the thread pool while the model runs the current one), ONNX Runtime
/// intra-op threads, images per batch. Logged at start and printed by `fleet run`, so a slow run shows at once
/// whether it had the settings its machine wants.
/// </summary>
public sealed record SiloTuning(int Cores, int ShardsInFlight, int IntraOpThreads, int BatchSize)
{
    public static SiloTuning From(InferenceOptions inference, WorkerOptions worker) =>
        new(Environment.ProcessorCount, worker.EffectiveCapacity, inference.EffectiveIntraOpThreads, inference.BatchSize);

    public override string ToString() =>
        $"{Cores} cores: {ShardsInFlight} shards in flight, decoding on all cores, " +
        $"{IntraOpThreads} intra-op thread{(IntraOpThreads == 1 ? "" : "s")} per model run, batch {BatchSize}";
}
