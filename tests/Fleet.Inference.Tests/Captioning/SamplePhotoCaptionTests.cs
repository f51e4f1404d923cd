using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning;

/// <summary>
/// Caption fidelity on the 100 sample photos, end to end: the real classifier's labels and scores, the committed caption
/// model with the job's default settings, the rule's checker (the full figures over unseen crops and every class come
/// from `fleet-bench captions`, docs/captions.md).
/// </summary>
[Collection(CaptionCollection.Name)]
public sealed class SamplePhotoCaptionTests(CaptionFixture captions, ClassifierFixture classifier) : IClassFixture<ClassifierFixture>
{
    private static readonly string[] s_people = ["man", "men", "woman", "women", "people", "person", "boy", "girl", "child", "children"];

    [Fact]
    public void Sample_photo_captions_ground_every_content_word_name_the_label_and_vary()
    {
        var photos = ImageNetSample.Load();
        var classified = classifier.Classifier.ClassifyEncoded([.. photos.Select(p => (ReadOnlyMemory<byte>)File.ReadAllBytes(p.Path))]);
        var requests = classified.Select((c, i) => new CaptionRequest(c.Predictions, photos[i].Path)).ToList();

        var written = captions.Trained.Generate(requests);

        var fidelity = CaptionFidelity.Of([.. requests.Select((r, i) => (written[i], r.Labels))], new GroundingChecker(captions.Trained.Lexicon!, GroundingRule.Default));
        var report = string.Join(Environment.NewLine, fidelity.Worst);
        Assert.True(fidelity.Grounded >= 0.95, $"grounded {fidelity.Grounded}:{Environment.NewLine}{report}");
        Assert.True(fidelity.NamesConfidentTopLabel >= 0.85, $"names a confident top label {fidelity.NamesConfidentTopLabel}");
        Assert.True(fidelity.DistinctShapes >= 0.6, $"distinct shapes {fidelity.DistinctShapes}");
        Assert.Equal(1.0, fidelity.WordingMatchesScores);
        Assert.True(fidelity.WithinLength >= 0.95, $"5-30 words: {fidelity.WithinLength}");
        Assert.DoesNotContain(written, c => LabelWording.Words(c).Any(s_people.Contains));
    }
}
