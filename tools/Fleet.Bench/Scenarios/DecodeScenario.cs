using System.Diagnostics;
using Fleet.Bench.Decoding;
using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `decode`: decoder candidates on the 100 sample photos, one thread: images/s from bytes in memory to the normalised
/// tensor, and top-1 through the classifier (against the ImageNet class in each file name, and against the engine's path).
/// </summary>
internal static class DecodeScenario
{
    public static async Task<object> RunAsync(int runs, int passes)
    {
        using var models = await InferenceModels.LoadAsync(withCaptioner: false);
        var classifier = models.Classifier;
        var spec = classifier.Model.Preprocessing!;
        var normaliser = new Normaliser(spec);
        IDecodeCandidate[] candidates =
        [
            new SkiaScaledCandidate(classifier.Preprocessor),
            new SkiaFullCandidate(classifier.Preprocessor),
            new ImageSharpCandidate(normaliser, spec.ResizeShorterSide),
            new NetVipsCandidate(normaliser, spec.ResizeShorterSide),
        ];

        var photos = PhotoSet.SamplePhotos();
        var bytes = photos.Select(File.ReadAllBytes).ToArray();
        var truth = SampleClasses(photos);
        var batch = new float[photos.Count * classifier.Preprocessor.ImageLength];
        int[]? engineTop1 = null;
        var rows = new List<object>();
        foreach (var candidate in candidates)
        {
            // Correctness first (also the warm-up): top-1 of every photo through the real model.
            for (var i = 0; i < bytes.Length; i++)
                candidate.Write(bytes[i], batch, i);
            var top1 = classifier.Classify(batch, photos.Count, topK: 1).Select(p => p[0].ClassId).ToArray();
            engineTop1 ??= top1;

            var rates = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var clock = Stopwatch.StartNew();
                for (var pass = 0; pass < passes; pass++)
                {
                    for (var i = 0; i < bytes.Length; i++)
                        candidate.Write(bytes[i], batch, i);
                }
                rates.Add(passes * bytes.Length / clock.Elapsed.TotalSeconds);
            }
            var accuracy = top1.Zip(truth).Count(x => x.First == x.Second) / (double)truth.Length;
            var agreement = top1.Zip(engineTop1).Count(x => x.First == x.Second);
            JsonLine.Progress($"{candidate.Name}: {Spread.Of(rates).Median:F1} img/s on one thread, top-1 {accuracy:P0}, same top-1 as the engine on {agreement}/{truth.Length}");
            rows.Add(new
            {
                decoder = candidate.Name,
                imagesPerSecondOneThread = Spread.Of(rates),
                top1 = Math.Round(accuracy, 3),
                sameTop1AsEngine = agreement,
            });
        }

        return new
        {
            scenario = "decode",
            photos = photos.Count,
            passesPerRun = passes,
            runs,
            classifier = classifier.ModelName,
            engine = "skiasharp-scaled",
            candidates = rows,
        };
    }

    /// <summary>The ImageNet class of each sample photo: its WordNet id's line in synset.txt.</summary>
    private static int[] SampleClasses(IReadOnlyList<string> photos)
    {
        var synsets = File.ReadLines(Path.Combine(Environment.GetEnvironmentVariable("FLEET_MODEL_MIRROR")!, "imagenet-labels", "synset.txt"))
            .Select((line, index) => (Id: line.Split(' ', 2)[0], index))
            .ToDictionary(x => x.Id, x => x.index);
        return [.. photos.Select(p => synsets[Path.GetFileName(p).Split('_', 2)[0]])];
    }
}
