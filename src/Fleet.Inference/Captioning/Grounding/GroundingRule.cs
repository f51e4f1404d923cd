using Fleet.Inference.Classification;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// Which labels are evidence and how sure a caption may sound (docs/captions.md). A label is evidence when it scores at
/// least <see cref="MinLabelScore"/>; the top label always is (worded by its score). A caption may name a person,
/// animal, object, material or place only through the phrases evidence licenses (<see cref="CaptionLicence"/>).
/// </summary>
public sealed record GroundingRule
{
    public static GroundingRule Default { get; } = new();

    /// <summary>The lowest score at which a label other than the top one is evidence (a job's caption.minLabelScore).</summary>
    public float MinLabelScore { get; init; } = DefaultMinLabelScore;

    public const float DefaultMinLabelScore = 0.1f;

    /// <summary>At or above this the top label is stated ("A tench ..."); below it the caption hedges.</summary>
    public const float ConfidentScore = 0.5f;

    /// <summary>Below this the caption says the photo only may show the label ("A photo that may show a tench ...").</summary>
    public const float LowScore = 0.25f;

    /// <summary>The fewest words a grounded caption has: it may not end before (a bare "A tench is swimming." says too little).</summary>
    public const int MinCaptionWords = 5;

    /// <summary>A second label scoring at least this fraction of the top one (and evidence) is a close second: "a X or a Y".</summary>
    public const float CloseSecondRatio = 0.5f;

    /// <summary>The labels that are evidence, most confident first: the top one, then every other at or above <see cref="MinLabelScore"/>.</summary>
    public IReadOnlyList<Prediction> Evidence(IReadOnlyList<Prediction> labels) =>
        [.. labels.Where((label, i) => i == 0 || label.Score >= MinLabelScore)];

    /// <summary>The second label when it is a close second of the first; null otherwise.</summary>
    public Prediction? CloseSecond(IReadOnlyList<Prediction> labels) =>
        labels.Count > 1 && labels[1].Score >= MinLabelScore && labels[1].Score >= CloseSecondRatio * labels[0].Score ? labels[1] : null;

    public static CaptionConfidence Confidence(float topScore) =>
        topScore >= ConfidentScore ? CaptionConfidence.Confident : topScore >= LowScore ? CaptionConfidence.Probable : CaptionConfidence.Low;
}
