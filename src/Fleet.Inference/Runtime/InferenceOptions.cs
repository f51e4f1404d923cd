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

    /// <summary>The intra-op threads in force: <see cref="IntraOpThreads"/>, else <see cref="DefaultIntraOpThreads"/> of this machine.</summary>
    public int EffectiveIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : DefaultIntraOpThreads(Environment.ProcessorCount);

    /// <summary>
    /// One per core, written out (ONNX Runtime's own default is one per physical core) so the value in force is the one
    /// logged. One thread, as in the reference pipeline, was measured against two on 2 cores (whole `fleet run`, 1,000
    /// photos, A/B pairs, docs/benchmarks.md): the same CPU seconds (ratio 1.02) and 1.31x the wall time while other
    /// processes shared the cores, so the model gets every core and decoding fills the gaps.
    /// </summary>
    public static int DefaultIntraOpThreads(int cores) => Math.Max(1, cores);

    /// <summary>The largest image decoded (bound from <c>Fleet:Limits</c>, not from this section).</summary>
    public Imaging.ImageLimits Limits { get; set; } = new();
}
