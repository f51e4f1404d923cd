namespace Fleet.Inference.Classification;

/// <summary>One classified batch: each image's index (as it came in) and its outcome, in the same order.</summary>
public sealed record ClassifiedBatch(IReadOnlyList<int> Indices, IReadOnlyList<ImageClassification> Results);
