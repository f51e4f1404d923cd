using Fleet.Inference.Classification;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// What one image's evidence lets its caption name: every phrase a licensed label licenses (the label as spoken, its
/// WordNet synonyms and hypernyms from the lexicon: "Sealyham Terrier" licenses "terrier" and "dog"), and the
/// attribute words inside those phrases ("black swan" licenses "black"). A content word inside a longer phrase is
/// not licensed alone: "water ouzel" does not license "water".
/// </summary>
public sealed class CaptionLicence
{
    private readonly HashSet<string> _words = new(StringComparer.Ordinal);

    public CaptionLicence(IEnumerable<Prediction> evidence, CaptionLexicon? lexicon)
    {
        var phrases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in evidence)
        {
            var known = lexicon?.ClassFor(label.ClassId, label.Label);
            phrases.Add(LabelWording.Spoken(label.Label, known));
            phrases.Add(label.Label.Trim());
            foreach (var phrase in known?.Licenses ?? [])
            {
                phrases.Add(phrase);
            }
        }

        phrases.Remove(string.Empty);
        Phrases = [.. phrases.Order(StringComparer.Ordinal)];
        foreach (var phrase in Phrases)
        {
            var words = LabelWording.Words(phrase);
            if (words.Count == 1)
            {
                _words.Add(words[0]);
            }

            foreach (var word in words.Where(w => lexicon?.Attributes.Contains(w) == true))
            {
                _words.Add(word);
            }
        }
    }

    /// <summary>Every licensed phrase as the lexicon or the label spells it (case kept: "Golden Retriever").</summary>
    public IReadOnlyList<string> Phrases { get; }

    /// <summary>Whether <paramref name="lowerWord"/> may stand alone in the caption.</summary>
    public bool LicensesWord(string lowerWord) => _words.Contains(lowerWord);
}
