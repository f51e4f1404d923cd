namespace Fleet.Inference.Classification;

/// <summary>The outcome for one encoded image of a batch: its predictions, or why it could not be read.</summary>
public sealed record ImageClassification(IReadOnlyList<Prediction> Predictions, string? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>What kind of failure <see cref="Error"/> is (<see cref="Imaging.ImageErrorKinds"/>); null on success.</summary>
    public string? ErrorKind { get; init; }

    public static ImageClassification Failed(string error, string kind = Imaging.ImageErrorKinds.Decode) => new([], error) { ErrorKind = kind };
}
