namespace Fleet.Inference.Runtime;

/// <summary>How to run models; bound from the <c>Fleet:Inference</c> configuration section.</summary>
public sealed record InferenceOptions
{
    public const string SectionName = "Fleet:Inference";

    public InferenceDevice Device { get; init; } = InferenceDevice.Auto;

    /// <summary>The CUDA device ordinal when running on a GPU.</summary>
    public int DeviceId { get; init; }

    /// <summary>ONNX Runtime intra-op threads; 0 keeps its default (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Images (or caption prompts) per <c>Run</c> call.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The classifier's catalog name; null means the catalog's default classifier.</summary>
    public string? Classifier { get; init; }

    /// <summary>The caption model's catalog name; null means the catalog's default causal-lm.</summary>
    public string? Captioner { get; init; }
}
