namespace Fleet.Jobs.Finish;

/// <summary>A classifier that committed shards of the job, and the ONNX Runtime provider it ran on (CPU or CUDA silos).</summary>
[GenerateSerializer, Alias("fleet.ClassifierRun")]
public sealed record ClassifierRun([property: Id(0)] string Classifier, [property: Id(1)] string? Provider);
