using System.Text.RegularExpressions;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>How a caption says a label: its spoken form ("crane (bird)" -> "crane") with its article, and its words.</summary>
public static partial class LabelWording
{
    /// <summary>The label without a trailing qualifier in parentheses, as the lexicon spells it when it knows the class.</summary>
    public static string Spoken(string label, LexiconClass? known) =>
        known?.Spoken ?? Qualifier().Replace(label, string.Empty).Trim();

    /// <summary>"a tench", "an otter", "jeans": the lexicon's article, else a/an by the first letter.</summary>
    public static string WithArticle(string label, LexiconClass? known)
    {
        var spoken = Spoken(label, known);
        var article = known?.Article ?? (spoken.Length > 0 && "aeiouAEIOU".Contains(spoken[0], StringComparison.Ordinal) ? "an" : "a");
        return article.Length == 0 ? spoken : $"{article} {spoken}";
    }

    /// <summary>The lower-case words of a text: letters with inner hyphens and apostrophes ("hand-held", "jack-o'-lantern").</summary>
    public static IReadOnlyList<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value.TrimEnd('\'', '-'))];

    [GeneratedRegex(@"\s*\(.*\)\s*$")]
    private static partial Regex Qualifier();

    [GeneratedRegex(@"[a-z0-9][a-z0-9'\-]*")]
    private static partial Regex WordPattern();
}
