using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning.Grounding;

/// <summary>The checker of the rule, on captions the old model wrote for the sample photos and on grounded ones.</summary>
[Collection(CaptionCollection.Name)]
public sealed class GroundingCheckerTests(CaptionFixture fixture)
{
    private GroundingChecker Checker => new(fixture.Tiny.Lexicon!, GroundingRule.Default);

    [Theory]
    [InlineData("A tench swimming in an aquarium.", "tench", 0.83f, "content: aquarium")]
    [InlineData("A woman is looking at a refrigerator.", "refrigerator", 0.95f, "content: woman")]
    [InlineData("A man is standing next to a breakwater.", "breakwater", 0.85f, "content: man")]
    [InlineData("A brambling is walking along the shore.", "brambling", 0.67f, "content: shore")]
    [InlineData("A beer bottle sitting on a wooden desk.", "beer bottle", 1f, "attribute: wooden")]
    public void Flags_what_no_label_licenses(string caption, string label, float score, string expected)
    {
        var verdict = Checker.Check(caption, ImageNetEvidence.Of((label, score)));

        Assert.False(verdict.Grounded);
        Assert.Contains(expected, verdict.Unlicensed);
    }

    [Theory]
    [InlineData("A tench is swimming.", "tench")]
    [InlineData("A Sealyham Terrier, a kind of dog, is lying down.", "Sealyham Terrier")]
    [InlineData("An American dipper, a water ouzel, is perched.", "American dipper")]
    public void Passes_a_caption_that_names_only_what_its_label_licenses(string caption, string label)
    {
        var verdict = Checker.Check(caption, ImageNetEvidence.Of((label, 0.9f)));

        Assert.True(verdict.Grounded, string.Join(", ", verdict.Unlicensed));
        Assert.True(verdict.NamesTopLabel);
        Assert.Null(verdict.WordingProblem);
    }

    [Fact]
    public void A_scene_label_licenses_its_scene_only_when_it_scored()
    {
        const string caption = "A canoe is floating near the lakeshore.";

        var scored = Checker.Check(caption, ImageNetEvidence.Of(("canoe", 0.7f), ("lakeshore", 0.2f)));
        var unscored = Checker.Check(caption, ImageNetEvidence.Of(("canoe", 0.7f), ("lakeshore", 0.05f)));

        Assert.True(scored.Grounded, string.Join(", ", scored.Unlicensed));
        Assert.Contains("content: lakeshore", unscored.Unlicensed);
    }

    [Theory]
    [InlineData("A kingsnake is crawling.", "kingsnake", 0.47f, "night snake", 0.18f, "states an unsure")]
    [InlineData("Possibly a tench is swimming.", "tench", 0.83f, "goldfish", 0.05f, "hedges a confident")]
    [InlineData("A Carolina anole is crawling.", "Carolina anole", 0.65f, "European green lizard", 0.34f, "leaves out the close second")]
    public void The_wording_must_not_contradict_the_scores(string caption, string top, float topScore, string second, float secondScore, string expected)
    {
        var verdict = Checker.Check(caption, ImageNetEvidence.Of((top, topScore), (second, secondScore)));

        Assert.StartsWith(expected, verdict.WordingProblem);
    }

    [Fact]
    public void The_shape_replaces_every_evidence_label_by_x()
    {
        var verdict = Checker.Check("A Carolina anole or a European green lizard is crawling.", ImageNetEvidence.Of(("Carolina anole", 0.65f), ("European green lizard", 0.34f)));

        Assert.Equal("a x or a x is crawling", verdict.Shape.ToLowerInvariant());
        Assert.Null(verdict.WordingProblem);
    }
}
