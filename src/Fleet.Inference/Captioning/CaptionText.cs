using System.Text;

namespace Fleet.Inference.Captioning;

/// <summary>Turns the decoded continuation of a prompt into one clean sentence.</summary>
public static class CaptionText
{
    private static readonly char[] s_sentenceEnds = ['.', '!', '?'];

    /// <summary>
    /// A grounded caption: the forced <paramref name="opening"/> ("A St. Bernard", kept whole: its "." ends nothing) and
    /// the continuation the constraint let through, cut at its first sentence end, ending in one ".".
    /// </summary>
    public static string AfterOpening(string opening, string generated)
    {
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentNullException.ThrowIfNull(generated);
        var text = CollapseWhitespace(generated);
        var end = text.IndexOfAny(s_sentenceEnds);
        if (end >= 0)
        {
            text = text[..end];
        }

        text = text.TrimEnd(',', ';', ':', '-', ' ');
        var glue = text.StartsWith(',') ? string.Empty : " ";
        return opening + (text.Length == 0 ? string.Empty : glue + text) + ".";
    }

    public static string Clean(string generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var text = CollapseWhitespace(generated);

        // A model that drifts back into the prompt format must not leak it into the caption.
        var echo = text.LastIndexOf("caption:", StringComparison.OrdinalIgnoreCase);
        if (echo >= 0)
        {
            text = text[(echo + "caption:".Length)..].Trim();
        }

        var end = text.IndexOfAny(s_sentenceEnds);
        if (end >= 0)
        {
            text = text[..(end + 1)];
        }

        text = text.Replace(" .", ".", StringComparison.Ordinal)
            .Replace(" ,", ",", StringComparison.Ordinal)
            .Trim()
            .TrimEnd(',', ';', ':', '-', ' ')
            .TrimStart('.', ',', ';', ':', '-', '"', '\'', ' ');
        if (text.Length == 0 || text.All(c => !char.IsLetterOrDigit(c)))
        {
            return string.Empty;
        }

        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";
    }

    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
