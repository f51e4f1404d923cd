using Fleet.Inference.Classification;

namespace Fleet.Inference.Tests.Captioning.Grounding;

/// <summary>Labels as the ImageNet classifier gives them: class names and ids of imagenet-simple-labels, with chosen scores.</summary>
internal static class ImageNetEvidence
{
    private static readonly Lazy<string[]> s_labels = new(() =>
        System.Text.Json.JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(Support.TestPaths.ModelMirror, "imagenet-labels", "imagenet-simple-labels.json")))!);

    /// <summary>Predictions for (class name, score) pairs, most confident first.</summary>
    public static IReadOnlyList<Prediction> Of(params (string Label, float Score)[] labels) =>
        [.. labels.Select(l => new Prediction(l.Label, Array.IndexOf(s_labels.Value, l.Label), l.Score))];
}
