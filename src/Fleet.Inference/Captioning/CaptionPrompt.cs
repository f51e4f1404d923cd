namespace Fleet.Inference.Captioning;

/// <summary>
/// Builds the text a caption model is conditioned on. The trainer (tools/caption-lm) and the
/// generator use this one formatter, so the prompt at inference is the prompt the model learned.
/// </summary>
public static class CaptionPrompt
{
    /// <summary>The template of the models trained by tools/caption-lm; the catalog entry repeats it.</summary>
    public const string DefaultTemplate = "labels: {labels}. caption:";

    public const string LabelsPlaceholder = "{labels}";

    public static string Format(string template, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(labels);
        var cleaned = labels
            .Select(label => label.Trim().Replace('_', ' '))
            .Where(label => label.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return template.Replace(LabelsPlaceholder, string.Join(", ", cleaned), StringComparison.Ordinal);
    }
}
