using Fleet.Inference.Captioning;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning;

/// <summary>Loose but real checks that the committed caption model writes a fitting sentence, not the prompt.</summary>
[Collection(CaptionCollection.Name)]
public sealed class TrainedCaptionModelTests(CaptionFixture fixture)
{
    [Theory]
    [InlineData(new[] { "golden retriever" }, "dog|dogs|puppy|golden retriever")]
    [InlineData(new[] { "Labrador Retriever", "tennis ball" }, "dog|dogs|puppy|Labrador Retriever")]
    [InlineData(new[] { "seashore" }, "beach|ocean|water|sand|shore|waves?")]
    public void Writes_a_caption_about_the_labeled_object(string[] labels, string expectedWords)
    {
        var caption = fixture.Trained.Generate([labels])[0];

        Assert.Matches("^[A-Z].*[.!?]$", caption);
        Assert.DoesNotContain("labels", caption, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("caption", caption, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(caption.Split(' ').Length, 4, 30);
        Assert.Matches($"(?i)\\b({expectedWords})\\b", caption);
    }

    [Fact]
    public void Names_the_top_label_also_for_kinds_flickr8k_never_shows()
    {
        // Fish, insects, reptiles, food, vehicles, household objects, instruments, buildings, fungi:
        // a model trained on Flickr8k alone wrote "a man on a bench" for most of these.
        string[][] labels =
        [
            ["goldfish", "tench"], ["monarch butterfly", "ringlet"], ["green iguana", "agama"], ["pizza", "burrito"],
            ["school bus", "minibus"], ["coffee mug", "cup"], ["violin", "cello"], ["lighthouse", "breakwater"],
            ["bolete", "agaric"], ["hermit crab", "fiddler crab"], ["teapot", "vase"], ["jellyfish", "sea anemone"],
        ];

        var captions = fixture.Trained.Generate(labels);

        var naming = labels.Zip(captions).Count(pair => pair.Second.Contains(pair.First[0], StringComparison.OrdinalIgnoreCase));
        Assert.True(naming >= 10, $"{naming} of {labels.Length} captions name their top label: " + string.Join(" | ", captions));
        Assert.All(captions, caption => Assert.DoesNotContain("labels", caption, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Sampled_captions_are_sentences_too_and_repeat_per_seed()
    {
        var settings = new CaptionSettings { Greedy = false, Seed = 3 };
        string[][] labels = [["golden retriever"], ["mountain bike"], ["seashore"], ["soccer ball"]];

        var first = fixture.Trained.Generate(labels, settings);

        Assert.Equal(first, fixture.Trained.Generate(labels, settings));
        Assert.All(first, caption => Assert.Matches("^[A-Z].*[.!?]$", caption));
    }
}
