using Fleet.Inference.Captioning.Grounding;

namespace Fleet.Inference.Tests.Captioning.Grounding;

public sealed class GroundingRuleTests
{
    private readonly GroundingRule _rule = GroundingRule.Default;

    [Fact]
    public void Evidence_is_the_top_label_and_every_other_at_or_above_the_threshold()
    {
        var labels = ImageNetEvidence.Of(("breakwater", 0.05f), ("lighthouse", 0.1f), ("seashore", 0.09f));

        Assert.Equal(["breakwater", "lighthouse"], _rule.Evidence(labels).Select(l => l.Label));
        Assert.Equal(["breakwater", "lighthouse", "seashore"], (_rule with { MinLabelScore = 0.05f }).Evidence(labels).Select(l => l.Label));
    }

    [Theory]
    [InlineData(0.65f, 0.34f, true)]   // Carolina anole / European green lizard: more than half the top score
    [InlineData(0.67f, 0.12f, false)]  // brambling / junco: evidence, but far behind
    [InlineData(0.16f, 0.09f, false)]  // under the threshold, however close
    public void A_close_second_is_evidence_at_half_the_top_score_or_more(float top, float second, bool close)
    {
        var labels = ImageNetEvidence.Of(("Carolina anole", top), ("European green lizard", second));

        Assert.Equal(close, _rule.CloseSecond(labels) is not null);
    }

    [Theory]
    [InlineData(0.5f, CaptionConfidence.Confident)]
    [InlineData(0.49f, CaptionConfidence.Probable)]
    [InlineData(0.25f, CaptionConfidence.Probable)]
    [InlineData(0.24f, CaptionConfidence.Low)]
    public void Confidence_follows_the_top_score(float score, CaptionConfidence expected) =>
        Assert.Equal(expected, GroundingRule.Confidence(score));
}
