namespace Fleet.Inference.Captioning.Grounding;

/// <summary>What <see cref="GroundingChecker"/> found in one caption.</summary>
/// <param name="Unlicensed">Words the rule does not allow here, each with why ("content: aquarium", "attribute: wooden", "unknown: bmx").</param>
/// <param name="NamesTopLabel">The top label appears as the caption says it ("crane (bird)" as "crane").</param>
/// <param name="WordingProblem">Null when the wording matches the scores; else how it does not ("hedges a confident label").</param>
/// <param name="Words">How many words the caption has.</param>
/// <param name="Shape">The caption in lower case with every evidence label replaced by X: its sentence shape.</param>
public sealed record CaptionVerdict(IReadOnlyList<string> Unlicensed, bool NamesTopLabel, string? WordingProblem, int Words, string Shape)
{
    public bool Grounded => Unlicensed.Count == 0;
}
