using Fleet.Inference.Classification;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// The caption-fidelity figures of a set of captions (docs/captions.md), from <see cref="GroundingChecker"/>'s verdicts:
/// how many ground every word in their labels, name the top label (all, and where it scores &gt;= 0.5), word their
/// scores right, are 5-30 words long, and how many distinct sentence shapes (labels replaced by X) the set holds.
/// </summary>
public sealed record CaptionFidelity
{
    public const int MinWords = GroundingRule.MinCaptionWords;
    public const int MaxWords = 30;

    public required int Captions { get; init; }
    public required double Grounded { get; init; }
    public required double NamesTopLabel { get; init; }
    public required double NamesConfidentTopLabel { get; init; }
    public required double WordingMatchesScores { get; init; }
    public required double DistinctShapes { get; init; }
    public required double WithinLength { get; init; }
    public required int WordsMin { get; init; }
    public required int WordsMedian { get; init; }
    public required int WordsMax { get; init; }

    /// <summary>Up to ten captions that break a rule, each with its labels and what is wrong.</summary>
    public required IReadOnlyList<string> Worst { get; init; }

    public static CaptionFidelity Of(IReadOnlyList<(string Caption, IReadOnlyList<Prediction> Labels)> captions, GroundingChecker checker)
    {
        ArgumentOutOfRangeException.ThrowIfZero(captions.Count, nameof(captions));
        var verdicts = captions.Select(c => (c.Caption, c.Labels, Verdict: checker.Check(c.Caption, c.Labels))).ToList();
        var confident = verdicts.Where(v => v.Labels[0].Score >= GroundingRule.ConfidentScore).ToList();
        var words = verdicts.Select(v => v.Verdict.Words).Order().ToArray();
        double Fraction(Func<CaptionVerdict, bool> test, IReadOnlyCollection<(string, IReadOnlyList<Prediction>, CaptionVerdict Verdict)> of) =>
            of.Count == 0 ? 1 : Math.Round(of.Count(v => test(v.Verdict)) / (double)of.Count, 4);
        return new CaptionFidelity
        {
            Captions = captions.Count,
            Grounded = Fraction(v => v.Grounded, verdicts),
            NamesTopLabel = Fraction(v => v.NamesTopLabel, verdicts),
            NamesConfidentTopLabel = Fraction(v => v.NamesTopLabel, confident),
            WordingMatchesScores = Fraction(v => v.WordingProblem is null, verdicts),
            WithinLength = Fraction(v => v.Words is >= MinWords and <= MaxWords, verdicts),
            DistinctShapes = Math.Round(verdicts.Select(v => v.Verdict.Shape).Distinct(StringComparer.Ordinal).Count() / (double)verdicts.Count, 4),
            WordsMin = words[0],
            WordsMedian = words[words.Length / 2],
            WordsMax = words[^1],
            Worst = [.. verdicts
                .Where(v => !v.Verdict.Grounded || v.Verdict.WordingProblem is not null || v.Verdict.Words is < MinWords or > MaxWords)
                .OrderByDescending(v => v.Verdict.Unlicensed.Count)
                .Take(10)
                .Select(v => $"\"{v.Caption}\" [{string.Join(", ", v.Labels.Take(3).Select(l => $"{l.Label} {l.Score:0.00}"))}]: " +
                             string.Join("; ", v.Verdict.Unlicensed.Append(v.Verdict.WordingProblem ?? string.Empty).Where(s => s.Length > 0)))],
        };
    }
}
