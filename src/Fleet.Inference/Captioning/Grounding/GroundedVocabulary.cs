using System.Collections.Concurrent;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// The tokens a grounded caption may continue with, for one tokenizer and lexicon: the free words (and ",") in one
/// shared trie, built once, plus a small trie per image of what its evidence licenses. Thread-safe.
/// </summary>
internal sealed class GroundedVocabulary
{
    private readonly CaptionTokenizer _tokenizer;
    private readonly ConcurrentDictionary<string, int[]> _spellings = new(StringComparer.Ordinal);

    public GroundedVocabulary(CaptionLexicon lexicon, CaptionTokenizer tokenizer, int endOfText)
    {
        Lexicon = lexicon;
        _tokenizer = tokenizer;
        Free = new TokenTrie();
        foreach (var word in lexicon.Free.Where(w => !s_openingOnly.Contains(w)))
        {
            Free.Add(Spell(word));
        }

        Comma = Single(tokenizer.Encode(","));
        Free.Add([Comma]);
        SentenceEnd = Single(tokenizer.Encode("."));
        EndOfText = endOfText;
    }

    // The opening alone says how sure the caption is: a continuation that hedged ("may", "possibly") or offered another
    // label ("or a junco") would word the scores again, and could contradict them.
    private static readonly HashSet<string> s_openingOnly = ["or", "may", "might", "maybe", "possibly", "probably", "perhaps", "appears", "seems", "like"];

    public CaptionLexicon Lexicon { get; }

    public TokenTrie Free { get; }

    /// <summary>",": the one unit that is not a word.</summary>
    public int Comma { get; }

    /// <summary>"." : ends a caption.</summary>
    public int SentenceEnd { get; }

    public int EndOfText { get; }

    /// <summary>The units one image's licence adds: each phrase as spelled and in lower case, and each word it licenses alone.</summary>
    public TokenTrie Licensed(CaptionLicence licence)
    {
        var trie = new TokenTrie();
        foreach (var phrase in licence.Phrases)
        {
            trie.Add(Spell(phrase));
            trie.Add(Spell(phrase.ToLowerInvariant()));
            foreach (var word in LabelWording.Words(phrase).Where(licence.LicensesWord))
            {
                trie.Add(Spell(word));
            }
        }

        return trie;
    }

    /// <summary>A unit's tokens after a space, as inside a sentence.</summary>
    private int[] Spell(string unit) => _spellings.GetOrAdd(unit, u => [.. _tokenizer.Encode(" " + u)]);

    private static int Single(IReadOnlyList<int> ids) =>
        ids.Count == 1 ? ids[0] : throw new InvalidOperationException("The tokenizer spells '.' as more than one token.");
}
