using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `tune`: the bare pipeline (labels only) under each ONNX Runtime setting the engine exposes, one at a time from the
/// defaults: intra-op threads, spinning, graph optimisation, batch size. How the defaults in InferenceOptions were chosen.
/// </summary>
internal static class TuneScenario
{
    private static readonly (string Name, string[] Settings)[] Grid =
    [
        ("defaults", []),
        ("intraOpThreads=1", ["Fleet:Inference:IntraOpThreads=1"]),
        ("intraOpThreads=2", ["Fleet:Inference:IntraOpThreads=2"]),
        ("spinning=on", ["Fleet:Inference:IntraOpSpinning=true"]),
        ("spinning=on,intraOpThreads=1", ["Fleet:Inference:IntraOpSpinning=true", "Fleet:Inference:IntraOpThreads=1"]),
        ("graph=basic", ["Fleet:Inference:GraphOptimization=ORT_ENABLE_BASIC"]),
        ("graph=extended", ["Fleet:Inference:GraphOptimization=ORT_ENABLE_EXTENDED"]),
        ("batch=4", ["Fleet:Inference:BatchSize=4"]),
        ("batch=8", ["Fleet:Inference:BatchSize=8"]),
        ("batch=32", ["Fleet:Inference:BatchSize=32"]),
    ];

    public static async Task<object> RunAsync(int runs, int imageCount)
    {
        var photos = PhotoSet.SamplePhotos().Select(File.ReadAllBytes).ToArray();
        var images = Enumerable.Range(0, imageCount).Select(i => photos[i % photos.Length]).ToArray();
        var figures = Grid.ToDictionary(g => g.Name, _ => new List<double>());
        var overlapOff = new List<double>();
        // Rounds over the whole grid, so drifting machine load hits every setting alike.
        for (var run = 1; run <= runs; run++)
        {
            foreach (var (name, settings) in Grid)
            {
                var saved = settings.Select(s => s.Split('=')[0]).ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k.Replace(":", "__", StringComparison.Ordinal)));
                BenchPaths.ApplySettings(settings);
                try
                {
                    using var models = await InferenceModels.LoadAsync(withCaptioner: false);
                    await InProcessLoops.BareAsync(models, images[..Math.Min(64, images.Length)], captions: false);
                    var rate = await InProcessLoops.BareAsync(models, images, captions: false);
                    figures[name].Add(rate);
                    JsonLine.Progress($"{name}: bare {rate:F1} img/s");
                    if (settings.Length == 0)
                    {
                        var serial = InProcessLoops.BatchedWithoutOverlap(models, images);
                        overlapOff.Add(serial);
                        JsonLine.Progress($"defaults without decode/inference overlap: {serial:F1} img/s");
                    }
                }
                finally
                {
                    foreach (var (key, value) in saved)
                        Environment.SetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal), value);
                }
            }
        }

        return new
        {
            scenario = "tune",
            images = imageCount,
            runs,
            bareImagesPerSecond = figures.ToDictionary(f => f.Key, f => Spread.Of(f.Value)),
            defaultsWithoutOverlapImagesPerSecond = Spread.Of(overlapOff),
            overlapGain = Spread.OfRatios(figures["defaults"], overlapOff),
            note = "defaults: InferenceOptions (ONNX Runtime default intra-op threads, spinning off, ORT_ENABLE_ALL, batch 16); each row changes only what it names",
        };
    }
}
