using Fleet.Inference.Classification;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// One image to caption: the classifier's labels, most confident first (the evidence a caption may use), and a key
/// that names the image (its URI), from which its sampling stream is seeded so a re-run writes the same caption.
/// </summary>
public sealed record CaptionRequest(IReadOnlyList<Prediction> Labels, string Key)
{
    /// <summary>A request from label names alone (scores 1, 0.5, 0.25, ...; class ids unknown), for tools and tests.</summary>
    public static CaptionRequest FromLabels(IReadOnlyList<string> labels, string key) =>
        new([.. labels.Select((label, i) => new Prediction(label, -1, MathF.Pow(0.5f, i)))], key);
}
