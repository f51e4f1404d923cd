namespace Fleet.Inference.Runtime;

/// <summary>How to run models; bound from the <c>Fleet:Inference</c> configuration section.</summary>
public sealed record InferenceOptions
{
    public const string SectionName = "Fleet:Inference";

    public InferenceDevice Device { get; set; } = InferenceDevice.Auto;

    /// <summary>The CUDA device ordinal when running on a GPU.</summary>
    public int DeviceId { get; set; }

    /// <summary>ONNX Runtime intra-op threads per model run; 0 = from the core count (<see cref="DefaultIntraOpThreads"/>).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin between parallel sections. Off by default: decoding runs on the same
    /// cores at the same time, and spinning threads take its CPU (measured in docs/benchmarks.md).
    /// </summary>
    public bool IntraOpSpinning { get; set; }

    /// <summary>The graph optimisation level (ONNX Runtime's names: ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_ALL).</summary>
    public string GraphOptimization { get; set; } = "ORT_ENABLE_ALL";

    /// <summary>
    /// Images (or caption prompts) per <c>Run</c> call. 16, not the reference pipeline's 32: on 2 cores 32 cost 2 % more
    /// CPU and raised `fleet run`'s peak from ~380 to ~540 MB for the same wall time (docs/benchmarks.md).
    /// </summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>The classifier's catalog name; null means the catalog's default classifier.</summary>
    public string? Classifier { get; set; }

    /// <summary>The caption model's catalog name; null means the catalog's default causal-lm.</summary>
    public string? Captioner { get; set; }

    /// <summary>Decoder threads shared by all of the silo's pipelines; 0 means one per core. Not per shard: decode is CPU work.</summary>
    public int DecodeThreads { get; set; }

    /// <summary>CUDA provider settings (<c>Fleet:Inference:Cuda:*</c>), used when the session runs on CUDA.</summary>
    public CudaProviderOptions Cuda { get; set; } = new();

    /// <summary>
    /// When set, ONNX Runtime's profiler writes a Chrome-trace JSON per session to files starting with this path
    /// (per-node kernel and copy times; written when the session closes). Off by default: it slows every run.
    /// </summary>
    public string? ProfilePrefix { get; set; }

    /// <summary>The intra-op threads in force: <see cref="IntraOpThreads"/>, else <see cref="DefaultIntraOpThreads"/> of this machine.</summary>
    public int EffectiveIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : DefaultIntraOpThreads(Environment.ProcessorCount);

    /// <summary>
    /// One thread up to 4 cores, else one per core (ONNX Runtime's own default, written out so the value in force is
    /// the one logged). On 2 cores the shards in flight already run the model concurrently and decoding fills every
    /// core, so a second thread per run only adds hand-offs: whole `fleet run` over 2,000 photos, A/B pairs on a quiet
    /// machine, 1 thread took 0.95x the CPU and 0.97x the wall time of 2 (docs/benchmarks.md; under other processes'
    /// load 2 threads won the wall time by taking a bigger share of the cores, at the same CPU). Many cores keep the
    /// default the 16-core GPU host was measured with (1,104 img/s steady, docs/benchmarks.md) until measured otherwise.
    /// </summary>
    public static int DefaultIntraOpThreads(int cores) => cores <= 4 ? 1 : cores;

    /// <summary>The largest image decoded (bound from <c>Fleet:Limits</c>, not from this section).</summary>
    public Imaging.ImageLimits Limits { get; set; } = new();
}
