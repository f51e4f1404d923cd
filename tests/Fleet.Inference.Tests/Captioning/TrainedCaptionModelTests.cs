using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Tests.Captioning.Grounding;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning;

/// <summary>Real checks that the committed caption model writes grounded sentences: the label named, nothing invented.</summary>
[Collection(CaptionCollection.Name)]
public sealed class TrainedCaptionModelTests(CaptionFixture fixture)
{
    private GroundingChecker Checker => new(fixture.Trained.Lexicon!, GroundingRule.Default);

    [Theory]
    [InlineData("Golden Retriever", "tennis ball")]
    [InlineData("tench", "goldfish")]
    [InlineData("seashore", "sandbar")]
    [InlineData("refrigerator", "dishwasher")]
    public void Writes_a_grounded_sentence_that_names_the_label(string top, string second)
    {
        var labels = ImageNetEvidence.Of((top, 0.9f), (second, 0.04f));

        var caption = fixture.Trained.Generate([new CaptionRequest(labels, "photo.jpg")])[0];

        var verdict = Checker.Check(caption, labels);
        Assert.Matches("^[A-Z].*[.!?]$", caption);
        Assert.True(verdict.Grounded, caption + ": " + string.Join(", ", verdict.Unlicensed));
        Assert.True(verdict.NamesTopLabel, caption);
        Assert.Null(verdict.WordingProblem);
        Assert.InRange(verdict.Words, CaptionFidelity.MinWords, CaptionFidelity.MaxWords);
        Assert.DoesNotContain("labels", caption, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Names_the_top_label_for_kinds_flickr8k_never_shows_and_invents_nothing()
    {
        (string, string)[] pairs =
        [
            ("goldfish", "tench"), ("monarch butterfly", "ringlet"), ("green iguana", "agama"), ("pizza", "burrito"),
            ("school bus", "minibus"), ("coffee mug", "cup"), ("violin", "cello"), ("lighthouse", "breakwater"),
            ("bolete", "agaric"), ("hermit crab", "fiddler crab"), ("teapot", "vase"), ("jellyfish", "sea anemone"),
        ];
        var requests = pairs.Select((p, i) => new CaptionRequest(ImageNetEvidence.Of((p.Item1, 0.8f), (p.Item2, 0.1f)), $"image{i}")).ToList();

        var captions = fixture.Trained.Generate(requests);

        var verdicts = requests.Select((r, i) => Checker.Check(captions[i], r.Labels)).ToList();
        Assert.All(verdicts, (v, i) => Assert.True(v.Grounded && v.NamesTopLabel, captions[i] + ": " + string.Join(", ", v.Unlicensed)));
    }

    [Fact]
    public void A_caption_depends_on_its_image_key_and_seed_not_on_its_batch()
    {
        var labels = ImageNetEvidence.Of(("Golden Retriever", 0.9f));
        var sampled = CaptionSettings.Default with { Greedy = false, Seed = 3 };
        CaptionRequest[] requests = [new(labels, "a.jpg"), new(labels, "b.jpg"), new(ImageNetEvidence.Of(("mountain bike", 0.7f)), "c.jpg")];

        var together = fixture.Trained.Generate(requests, sampled);
        var alone = requests.Select(r => fixture.Trained.Generate([r], sampled)[0]).ToList();

        Assert.Equal(alone, together);
        Assert.Equal(together, fixture.Trained.Generate(requests, sampled));
        Assert.All(together, caption => Assert.Matches("^[A-Z].*[.!?]$", caption));
    }
}
