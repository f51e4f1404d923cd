using Fleet.Inference.Classification;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// The opening of a grounded caption, written from the scores and forced before the model continues, so the top
/// label is always named first and the caption never sounds surer than the classifier (docs/captions.md):
/// <list type="bullet">
/// <item>top score &gt;= 0.5: a statement, "A tench";</item>
/// <item>0.25 &lt;= top &lt; 0.5: "What looks like a kingsnake";</item>
/// <item>top &lt; 0.25: "Possibly a barbershop";</item>
/// <item>a close second (evidence, at least half the top score) is named beside it: "A Carolina anole or a European green lizard".</item>
/// </list>
/// </summary>
public static class CaptionFrame
{
    public const string ProbableOpening = "What looks like ";

    public const string LowOpening = "Possibly ";

    public static string For(IReadOnlyList<Prediction> labels, GroundingRule rule, CaptionLexicon? lexicon)
    {
        ArgumentOutOfRangeException.ThrowIfZero(labels.Count, nameof(labels));
        var top = labels[0];
        var second = rule.CloseSecond(labels);
        var named = Name(top, lexicon) + (second is null ? string.Empty : " or " + Name(second, lexicon));
        return GroundingRule.Confidence(top.Score) switch
        {
            CaptionConfidence.Confident => char.ToUpperInvariant(named[0]) + named[1..],
            CaptionConfidence.Probable => ProbableOpening + named,
            _ => LowOpening + named,
        };
    }

    private static string Name(Prediction label, CaptionLexicon? lexicon) =>
        LabelWording.WithArticle(label.Label, lexicon?.ClassFor(label.ClassId, label.Label));
}
