using Fleet.Inference.Classification;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// Checks a caption's text against the grounding rule (docs/captions.md), independently of how it was generated:
/// every word must be free, inside a licensed phrase, or licensed alone; a word the lexicon counts as a person,
/// animal, object, material or place, an attribute ("wooden", "two", "his") or a word it does not know is a
/// violation. Also checks that the wording matches the scores (hedged when the top label is unsure, the close second
/// named with "or") and that the top label is named. Used by the caption-fidelity evaluation and the tests.
/// </summary>
public sealed class GroundingChecker(CaptionLexicon lexicon, GroundingRule rule)
{
    private static readonly string[] s_hedges = ["may", "looks like", "possibly", "probably", "perhaps", "might", "appears"];

    public CaptionVerdict Check(string caption, IReadOnlyList<Prediction> labels)
    {
        ArgumentOutOfRangeException.ThrowIfZero(labels.Count, nameof(labels));
        var evidence = rule.Evidence(labels);
        var licence = new CaptionLicence(evidence, lexicon);
        var words = LabelWording.Words(caption);
        var covered = new bool[words.Count];
        var phrases = licence.Phrases.Select(LabelWording.Words).Where(p => p.Count > 0).Distinct(new WordsComparer()).OrderByDescending(p => p.Count).ToList();
        foreach (var phrase in phrases)
        {
            foreach (var at in Occurrences(words, phrase))
            {
                Array.Fill(covered, true, at, phrase.Count);
            }
        }

        var unlicensed = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].EndsWith("'s", StringComparison.Ordinal) ? words[i][..^2] : words[i];
            if (covered[i] || licence.LicensesWord(word))
            {
                continue;
            }

            if (lexicon.IsContent(word))
            {
                unlicensed.Add("content: " + word);
            }
            else if (lexicon.Attributes.Contains(word))
            {
                unlicensed.Add("attribute: " + word);
            }
            else if (!lexicon.Free.Contains(word))
            {
                unlicensed.Add("unknown: " + word);
            }
        }

        var topWords = LabelWording.Words(LabelWording.Spoken(labels[0].Label, lexicon.ClassFor(labels[0].ClassId, labels[0].Label)));
        return new CaptionVerdict(unlicensed, Occurrences(words, topWords).Any(), WordingProblem(caption, words, labels), words.Count, Shape(words, evidence));
    }

    private string? WordingProblem(string caption, IReadOnlyList<string> words, IReadOnlyList<Prediction> labels)
    {
        var text = " " + string.Join(' ', words) + " ";
        var hedged = s_hedges.Any(h => text.Contains(" " + h + " ", StringComparison.Ordinal));
        var confident = GroundingRule.Confidence(labels[0].Score) == CaptionConfidence.Confident;
        if (confident && hedged)
        {
            return $"hedges a confident top label ({labels[0].Score:0.00}): {caption}";
        }

        if (!confident && !hedged)
        {
            return $"states an unsure top label ({labels[0].Score:0.00}) without a hedge: {caption}";
        }

        if (rule.CloseSecond(labels) is { } second)
        {
            var secondWords = LabelWording.Words(LabelWording.Spoken(second.Label, lexicon.ClassFor(second.ClassId, second.Label)));
            if (!Occurrences(words, secondWords).Any(at => (at > 0 && words[at - 1] is "or") || (at > 1 && words[at - 2] is "or")))
            {
                return $"leaves out the close second '{second.Label}' ({second.Score:0.00} against {labels[0].Score:0.00}): {caption}";
            }
        }

        return null;
    }

    private string Shape(IReadOnlyList<string> words, IReadOnlyList<Prediction> evidence)
    {
        var shape = " " + string.Join(' ', words) + " ";
        foreach (var label in evidence.Select(l => string.Join(' ', LabelWording.Words(LabelWording.Spoken(l.Label, lexicon.ClassFor(l.ClassId, l.Label))))).OrderByDescending(l => l.Length))
        {
            shape = shape.Replace(" " + label + " ", " X ", StringComparison.Ordinal);
        }

        return shape.Trim();
    }

    private static IEnumerable<int> Occurrences(IReadOnlyList<string> words, IReadOnlyList<string> phrase)
    {
        for (var at = 0; phrase.Count > 0 && at + phrase.Count <= words.Count; at++)
        {
            var match = true;
            for (var j = 0; j < phrase.Count && match; j++)
            {
                match = string.Equals(words[at + j], phrase[j], StringComparison.Ordinal);
            }

            if (match)
            {
                yield return at;
            }
        }
    }

    private sealed class WordsComparer : IEqualityComparer<IReadOnlyList<string>>
    {
        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(IReadOnlyList<string> obj) => string.Join(' ', obj).GetHashCode(StringComparison.Ordinal);
    }
}
