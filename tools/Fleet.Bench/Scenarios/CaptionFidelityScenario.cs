using System.Diagnostics;
using Fleet.Bench.Infrastructure;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Classification;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `captions`: caption fidelity (docs/captions.md). Labels and captions as a job makes them (the job's default caption
/// settings, the classifier "auto" picks here) over three sets, each checked by <see cref="GroundingChecker"/>:
/// the 100 sample photos; crops of them nobody has looked at (<see cref="UnseenPhotos"/>); and every ImageNet class
/// as the top label under three score profiles (sure, a close second, unsure), which no photo set covers.
/// Fluency: perplexity under a trigram model of Flickr8k's human captions, beside Flickr8k's own test captions.
/// </summary>
internal static class CaptionFidelityScenario
{
    public static async Task<object> RunAsync(int variants, int examples)
    {
        using var models = await InferenceModels.LoadAsync(withCaptioner: true);
        var generator = models.Captioner!;
        var lexicon = generator.Lexicon ?? throw new InvalidOperationException($"{generator.ModelName} names no caption lexicon: its captions are not grounded.");
        var settings = InferenceModels.JobCaptionSettings;
        var checker = new GroundingChecker(lexicon, settings.Rule);
        var flickr = Path.Combine(Environment.GetEnvironmentVariable("FLEET_DATA_MIRROR")!, "flickr8k-captions");
        var fluency = new CaptionFluencyModel(lexicon, CaptionFluencyModel.FlickrCaptions(flickr, "Flickr_8k.trainImages.txt"));
        var humanPerplexity = fluency.Perplexity(CaptionFluencyModel.FlickrCaptions(flickr, "Flickr_8k.testImages.txt").Select(c => (c, (IReadOnlyList<string>)[])));

        var samples = PhotoSet.SamplePhotos().Select(p => (Path.GetFileNameWithoutExtension(p), File.ReadAllBytes(p))).ToList();
        var unseen = UnseenPhotos.Make(PhotoSet.SamplePhotos(), variants);
        var sets = new Dictionary<string, IReadOnlyList<CaptionRequest>>
        {
            ["samplePhotos"] = Classify(models.Classifier, samples),
            ["unseenCrops"] = Classify(models.Classifier, unseen),
            ["everyClass"] = EveryClass(models.Classifier.Labels),
        };

        var results = new Dictionary<string, object>();
        foreach (var (name, requests) in sets)
        {
            var clock = Stopwatch.StartNew();
            var captions = generator.Generate(requests, settings);
            var seconds = clock.Elapsed.TotalSeconds;
            var pairs = requests.Select((r, i) => (captions[i], r.Labels)).ToList();
            var fidelity = CaptionFidelity.Of(pairs, checker);
            JsonLine.Progress($"{name}: {requests.Count} captions, grounded {fidelity.Grounded:P1}, top named {fidelity.NamesTopLabel:P1}, distinct shapes {fidelity.DistinctShapes:P1}");
            results[name] = new
            {
                fidelity,
                perplexity = Math.Round(fluency.Perplexity(pairs.Select(p => (p.Item1, (IReadOnlyList<string>)[.. p.Labels.Select(l => l.Label)]))), 2),
                captionsPerSecond = Math.Round(requests.Count / seconds, 1),
                examples = requests.Take(examples).Select((r, i) => $"{r.Key}: [{string.Join(", ", r.Labels.Take(2).Select(l => $"{l.Label} {l.Score:0.00}"))}] {captions[i]}"),
            };
        }

        return new
        {
            scenario = "captions",
            captioner = generator.ModelName,
            logitSubsets = generator.ComputesLogitSubsets,
            classifier = models.Classifier.ModelName,
            settings = new { settings.Greedy, settings.Temperature, settings.TopK, settings.TopP, settings.MinLabelScore, settings.PromptLabels },
            flickrTestPerplexity = Math.Round(humanPerplexity, 2),
            sets = results,
        };
    }

    private static List<CaptionRequest> Classify(ImageClassifier classifier, IReadOnlyList<(string Name, byte[] Jpeg)> photos)
    {
        var classified = classifier.ClassifyEncoded([.. photos.Select(p => (ReadOnlyMemory<byte>)p.Jpeg)]);
        return [.. classified.Select((c, i) => (c, i)).Where(x => x.c.Succeeded).Select(x => new CaptionRequest(x.c.Predictions, photos[x.i].Name))];
    }

    /// <summary>Every class on top, three ways: sure (0.86), with a close second (0.48 / 0.34), unsure (0.19 / 0.12 / 0.1).</summary>
    private static List<CaptionRequest> EveryClass(IReadOnlyList<string> labels)
    {
        var random = new Random(7);
        var requests = new List<CaptionRequest>(labels.Count * 3);
        for (var id = 0; id < labels.Count; id++)
        {
            // Neighbouring class ids are mostly siblings (dog breeds, birds): the second label a classifier would give.
            var sibling = id + 1 < labels.Count ? id + 1 : id - 1;
            var other = random.Next(labels.Count);
            Prediction P(int c, float s) => new(labels[c], c, s);
            requests.Add(new CaptionRequest([P(id, 0.86f), P(sibling, 0.05f), P(other, 0.02f)], $"class{id}-sure"));
            requests.Add(new CaptionRequest([P(id, 0.48f), P(sibling, 0.34f), P(other, 0.05f)], $"class{id}-close"));
            requests.Add(new CaptionRequest([P(id, 0.19f), P(sibling, 0.12f), P(other, 0.1f)], $"class{id}-unsure"));
        }

        return requests;
    }
}
