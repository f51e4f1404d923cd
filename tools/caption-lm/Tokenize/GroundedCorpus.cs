using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Classification;

namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// Makes one training example as the generator will see it: scores drawn for a tier of confidence (sure, close second,
/// probable, unsure), the opening the generator forces for them (<see cref="CaptionFrame"/>, the same code), then a
/// continuation that names only what the evidence licenses. Every example is checked with the rule's own checker;
/// one that breaks it is not written.
/// </summary>
internal sealed class GroundedCorpus(ClassKinds kinds, string template)
{
    private readonly GroundingRule _rule = GroundingRule.Default;
    private readonly GroundingChecker _checker = new(kinds.Lexicon, GroundingRule.Default);

    public Dictionary<string, int> Rejected { get; } = new(StringComparer.Ordinal);

    /// <param name="subject">The class the caption is about.</param>
    /// <param name="continuation">What follows the opening ("is running with a ball").</param>
    /// <param name="mentions">For each thing the continuation names, the classes whose label licenses it (one is drawn as evidence).</param>
    /// <param name="random">The corpus's seeded random source.</param>
    public (string Prompt, string Target)? Example(int subject, string continuation, IReadOnlyList<IReadOnlyList<int>> mentions, Random random)
    {
        var tier = random.NextDouble();
        // Things named beside the subject are evidence below half the top score, so the top must leave room for them.
        var low = mentions.Count == 0 && tier < 0.1;
        var close = !low && tier < 0.3;
        var top = low ? Draw(random, 0.1, 0.25) : close ? Draw(random, 0.3, 0.6) : tier < 0.45 ? Draw(random, 0.25, 0.5) : Draw(random, 0.55, 0.99);
        var labels = new List<Prediction> { P(subject, top) };
        var siblings = kinds.OfKind(kinds.Kind[subject]).Where(id => id != subject).ToArray();
        if (siblings.Length > 0)
        {
            var second = close ? top * Draw(random, 0.5, 0.99) : top * Draw(random, 0, 0.45);
            labels.Add(P(siblings[random.Next(siblings.Length)], second));
        }

        foreach (var licensing in mentions)
        {
            var id = licensing[random.Next(licensing.Count)];
            if (labels.All(l => l.ClassId != id))
            {
                labels.Add(P(id, Draw(random, _rule.MinLabelScore, Math.Max(_rule.MinLabelScore, 0.45 * top))));
            }
        }

        if (random.NextDouble() < 0.25 && 0.45 * top > _rule.MinLabelScore)
        {
            labels.Add(P(random.Next(kinds.Classes.Count), Draw(random, _rule.MinLabelScore, 0.45 * top)));
        }

        labels = [.. labels.DistinctBy(l => l.ClassId).OrderByDescending(l => l.Score)];
        if (labels[0].ClassId != subject)
        {
            return Reject("subject outranked");
        }

        var opening = CaptionFrame.For(labels, _rule, kinds.Lexicon);
        // Sometimes say what kind of thing it is: "A tench, a kind of fish, is swimming."
        var kind = kinds.KindWord[subject];
        var apposition = kind is not null && _rule.CloseSecond(labels) is null && random.NextDouble() < 0.15 ? $", a kind of {kind}," : string.Empty;
        var openingWords = LabelWording.Words(opening + apposition).Count;
        var target = $"{opening}{apposition} {KindContinuations.Lengthen(continuation, random, openingWords, GroundingRule.MinCaptionWords)}.";
        var verdict = _checker.Check(target, labels);
        if (!verdict.Grounded)
        {
            return Reject(verdict.Unlicensed[0]);
        }

        if (verdict.WordingProblem is not null)
        {
            return Reject("wording");
        }

        return (CaptionPrompt.Format(template, [.. _rule.Evidence(labels).Take(3).Select(l => l.Label)]), target);
    }

    private Prediction P(int id, double score) => new(kinds.Classes[id].Label, id, (float)Math.Round(score, 3));

    private static double Draw(Random random, double from, double to) => from + ((to - from) * random.NextDouble());

    private (string, string)? Reject(string why)
    {
        Rejected[why] = Rejected.GetValueOrDefault(why) + 1;
        return null;
    }
}
