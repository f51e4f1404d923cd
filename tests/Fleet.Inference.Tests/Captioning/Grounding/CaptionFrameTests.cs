using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning.Grounding;

/// <summary>The opening forced before the model writes: the top label first, worded by the scores.</summary>
[Collection(CaptionCollection.Name)]
public sealed class CaptionFrameTests(CaptionFixture fixture)
{
    private CaptionLexicon Lexicon => fixture.Tiny.Lexicon!;

    [Theory]
    [InlineData("tench", 0.83f, "goldfish", 0.05f, "A tench")]
    [InlineData("Carolina anole", 0.65f, "European green lizard", 0.34f, "A Carolina anole or a European green lizard")]
    [InlineData("kingsnake", 0.47f, "night snake", 0.18f, "What looks like a kingsnake")]
    [InlineData("Staffordshire Bull Terrier", 0.46f, "American Staffordshire Terrier", 0.46f, "What looks like a Staffordshire Bull Terrier or an American Staffordshire Terrier")]
    [InlineData("barbershop", 0.21f, "barber chair", 0.13f, "Possibly a barbershop or a barber chair")]
    [InlineData("plow", 0.25f, "park bench", 0.16f, "What looks like a plow or a park bench")]
    [InlineData("electric guitar", 0.11f, "iPod", 0.04f, "Possibly an electric guitar")]
    public void Wording_follows_the_scores(string top, float topScore, string second, float secondScore, string expected)
    {
        var labels = ImageNetEvidence.Of((top, topScore), (second, secondScore));

        Assert.Equal(expected, CaptionFrame.For(labels, GroundingRule.Default, Lexicon));
    }

    [Theory]
    [InlineData("otter", "An otter")]
    [InlineData("jeans", "Jeans")]
    [InlineData("crane (bird)", "A crane")]
    [InlineData("European garden spider", "A European garden spider")]
    public void Says_the_label_with_its_article(string label, string expected) =>
        Assert.Equal(expected, CaptionFrame.For(ImageNetEvidence.Of((label, 0.9f)), GroundingRule.Default, Lexicon));
}
