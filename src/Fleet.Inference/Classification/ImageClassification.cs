namespace Fleet.Inference.Classification;

/// <summary>The outcome for one encoded image of a batch: its predictions, or why it could not be read.</summary>
public sealed record ImageClassification(IReadOnlyList<Prediction> Predictions, string? Error)
{
    public bool Succeeded => Error is null;

    public static ImageClassification Failed(string error) => new([], error);
}
