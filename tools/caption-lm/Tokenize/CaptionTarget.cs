namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// Turns a Flickr8k caption ("a dog runs on the grass .") into the sentence the model should write
/// ("A dog runs on the grass."): the shape the generator's clean-up also produces.
/// </summary>
internal static class CaptionTarget
{
    public static string Clean(string caption)
    {
        var text = string.Join(' ', caption.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        text = text.Replace(" ,", ",", StringComparison.Ordinal)
            .Replace(" 's", "'s", StringComparison.Ordinal)
            .Replace(" n't", "n't", StringComparison.Ordinal)
            .Replace(" .", ".", StringComparison.Ordinal)
            .TrimEnd('.', ' ', '!', '?');
        if (text.Length == 0)
        {
            return text;
        }

        return char.ToUpperInvariant(text[0]) + text[1..] + ".";
    }
}
