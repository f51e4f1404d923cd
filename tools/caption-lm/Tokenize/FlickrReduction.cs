namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// Turns a Flickr8k caption into a grounded training target: its subject becomes a class whose label licenses the
/// subject's head noun ("A black dog" -> a dog breed), and what follows keeps only what some class could license.
/// The rest of the caption is cut into chunks at prepositions and conjunctions; a chunk naming a thing no label
/// would license ("through the grass") is dropped, one whose things a class licenses ("with a ball") is kept and that
/// class joins the prompt's evidence. Unlicensed attributes ("red") are dropped from kept chunks. A caption whose
/// verb phrase names such a thing ("carries a stick"), whose subject is plural or a person word no class licenses
/// ("a man"), or that keeps no verb phrase, yields nothing.
/// </summary>
internal sealed class FlickrReduction(ClassKinds kinds)
{
    private static readonly HashSet<string> s_prepositions =
    [
        "in", "on", "at", "through", "near", "by", "with", "under", "over", "across", "along", "into", "onto", "behind", "beside",
        "towards", "toward", "around", "against", "past", "from", "to", "between", "among", "beneath", "underneath", "above",
        "below", "beyond", "alongside", "down", "up", "off", "of", "for", "after", "during", "like", "atop", "amid", "without",
        "within", "next", "inside", "outside",
    ];

    private static readonly HashSet<string> s_conjunctions = ["and", "while", "as", ",", "who", "that", "which", "where", "whilst", "but", "or"];

    private static readonly HashSet<string> s_determiners = ["a", "an", "the", "one", "this", "that", "its", "some"];

    /// <summary>One kept caption: the subject's class, the words after the subject, and each licensed thing named with the classes that license it.</summary>
    public sealed record Reduced(int SubjectClass, IReadOnlyList<string> Continuation, IReadOnlyList<IReadOnlyList<int>> Mentions);

    public Reduced? Reduce(string caption, Random random)
    {
        var words = caption.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w != ".").ToList();
        if (words.Count < 3 || words.Any(w => w.Contains('\'', StringComparison.Ordinal) || w.Any(char.IsDigit)))
        {
            return null;
        }

        // The subject: determiners and modifiers, then its head noun within the first five words.
        var head = words.FindIndex(kinds.Lexicon.IsContent);
        if (head is < 0 or > 4 || words.Take(head).Any(w => s_prepositions.Contains(w) || !(s_determiners.Contains(w) || w == "and" || IsModifier(w))))
        {
            return null;
        }

        var subjects = kinds.Licensing(words[head]);
        var afterHead = head + 1;
        if (subjects.Count == 0 || (afterHead < words.Count && kinds.Lexicon.IsContent(words[afterHead])))
        {
            return null; // a person word, a plural ("dogs" licenses nothing) or a compound subject
        }

        var chunks = Chunk(words.Skip(afterHead).ToList());
        var kept = new List<string>();
        var mentions = new List<IReadOnlyList<int>>();
        var sawVerbPhrase = false;
        for (var c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            var isVerbPhrase = !sawVerbPhrase && !s_prepositions.Contains(chunk[0]) && !s_conjunctions.Contains(chunk[0]);
            var things = chunk.Where(kinds.Lexicon.IsContent).ToList();
            var licensed = things.Select(kinds.Licensing).ToList();
            var keep = licensed.All(l => l.Count > 0) && chunk.All(w => kinds.Lexicon.IsContent(w) || kinds.Lexicon.Free.Contains(w) || kinds.Lexicon.Attributes.Contains(w));
            // "in front" + "of a building": the two stand or fall together.
            if (keep && c + 1 < chunks.Count && chunks[c + 1][0] == "of" && !KeepsAll(chunks[c + 1]))
            {
                keep = false;
            }

            if (isVerbPhrase)
            {
                if (!keep)
                {
                    return null;
                }

                sawVerbPhrase = true;
            }

            if (!keep)
            {
                continue;
            }

            var without = chunk.Where(w => !kinds.Lexicon.Attributes.Contains(w)).ToList();
            // "a brown and white fence" without its colours is "a fence", not "a and fence".
            without = [.. without.Where((w, i) => !(w is "and" or "," && i > 0 && (s_determiners.Contains(without[i - 1]) || without[i - 1] is "and" or ",")))];
            kept.AddRange(without);
            mentions.AddRange(licensed);
        }

        TrimDangling(kept);
        FixArticles(kept);
        return sawVerbPhrase && kept.Count > 0 ? new Reduced(subjects[random.Next(subjects.Count)], kept, mentions) : null;
    }

    private bool KeepsAll(List<string> chunk) =>
        chunk.Where(kinds.Lexicon.IsContent).All(w => kinds.Licensing(w).Count > 0) && chunk.All(w => kinds.Lexicon.IsContent(w) || kinds.Lexicon.Free.Contains(w) || kinds.Lexicon.Attributes.Contains(w));

    private bool IsModifier(string word) => kinds.Lexicon.Attributes.Contains(word) || (kinds.Lexicon.Free.Contains(word) && !word.EndsWith("ing", StringComparison.Ordinal));

    // Chunks begin at a preposition or a conjunction; "next to", "in front of" stay one chunk up to their noun phrase.
    private static List<List<string>> Chunk(List<string> words)
    {
        var chunks = new List<List<string>>();
        foreach (var word in words)
        {
            var starts = s_conjunctions.Contains(word) || (s_prepositions.Contains(word) && !(chunks.Count > 0 && chunks[^1] is [.., "next" or "front" or "top" or "in" or "on" or "up" or "down" or "out" or "off"] && word is "to" or "of" or "in" or "on" or "into" or "onto"));
            if (chunks.Count == 0 || starts)
            {
                chunks.Add([]);
            }

            chunks[^1].Add(word);
        }

        return chunks;
    }

    // "a area" once "sandy" is gone: the article follows the word it now stands before.
    private static void FixArticles(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] is "a" or "an")
            {
                words[i] = "aeiou".Contains(words[i + 1][0], StringComparison.Ordinal) ? "an" : "a";
            }
        }
    }

    private static void TrimDangling(List<string> words)
    {
        while (words.Count > 0 && (s_conjunctions.Contains(words[^1]) || s_prepositions.Contains(words[^1]) || s_determiners.Contains(words[^1])))
        {
            words.RemoveAt(words.Count - 1);
        }
    }
}
