using Fleet.Inference.Classification;
using Fleet.Bench.Infrastructure;
using Fleet.Contracts;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `pipeline`: images/s of the real engine (embedded Azurite, in-process silo, the photo sample repeated to N images)
/// next to the bare pipeline and the naive loop on the same photos, in the same run, labels only and with captions.
/// </summary>
internal static class PipelineScenario
{
    public static async Task<object> RunAsync(int runs, int imageCount, bool captions, CancellationToken cancellationToken)
    {
        using var photos = PhotoSet.Create(imageCount);
        // The bare loops read nothing: the 100 photos' bytes, referenced in the same order as the folder lists them.
        var distinct = PhotoSet.SamplePhotos().ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        var images = photos.Files.Select(f => distinct[Path.GetFileName(f)[7..]]).ToArray();
        var captioner = captions ? JobSpec.DefaultCaptioner : null;

        using var models = await InferenceModels.LoadAsync(captions);
        await using var engine = await EngineRun.StartAsync(silos: 1, cancellationToken);
        JsonLine.Progress($"fleet started in {engine.StartSeconds:F1} s; warming up (model load, JIT)");
        using var warmup = PhotoSet.Create(100);
        var warm = await engine.RunJobAsync(warmup.Folder, captioner, cancellationToken);
        await InProcessLoops.BareAsync(models, images[..100], captions);
        InProcessLoops.Naive(models, images[..16], captions);

        var labels = new Figures();
        var captioned = new Figures();
        for (var run = 1; run <= runs; run++)
        {
            await MeasureAsync(labels, captionModel: null, "labels");
            if (captions)
                await MeasureAsync(captioned, captioner, "captions");
        }

        return new
        {
            scenario = "pipeline",
            images = imageCount,
            runs,
            classifier = models.Classifier.ModelName,
            executionProviders = new { classifier = models.Classifier.ExecutionProvider, captioner = models.Captioner?.ExecutionProvider },
            startup = new
            {
                fleetStartSeconds = Math.Round(engine.StartSeconds, 2),
                firstJobSeconds = Math.Round(warm.JobSeconds, 2),
                firstJobImages = warm.Images,
                note = "fleet start = Azurite + silo; the first (warm-up) job loads the models and JITs; measured runs exclude both",
            },
            labelsOnly = labels.Summarize(),
            withCaptions = captions ? captioned.Summarize() : null,
            // The bare loops' decoders (DecodeWorkers.Shared): what decode alone could sustain on this host's cores.
            // Bare img/s near decodeCapacity means decode-bound; far below it, the model (or its copies) is the limit.
            decode = DecodeFigures(DecodeWorkers.Shared),
        };

        static object DecodeFigures(DecodeWorkers decoders)
        {
            var perThread = decoders.ImagesDecoded / Math.Max(decoders.BusyTime.TotalSeconds, 1e-9);
            return new
            {
                threads = decoders.Threads,
                images = decoders.ImagesDecoded,
                busySeconds = Math.Round(decoders.BusyTime.TotalSeconds, 2),
                imagesPerSecondPerThread = Math.Round(perThread, 1),
                capacityImagesPerSecond = Math.Round(perThread * decoders.Threads, 1),
            };
        }

        async Task MeasureAsync(Figures figures, string? captionModel, string what)
        {
            var withCaptions = captionModel is not null;
            var job = await engine.RunJobAsync(photos.Folder, captionModel, cancellationToken);
            var bare = await InProcessLoops.BareAsync(models, images, withCaptions);
            var naive = InProcessLoops.Naive(models, images, withCaptions);
            JsonLine.Progress($"{what}: fleet {job.SteadyImagesPerSecond:F1} img/s steady ({job.JobImagesPerSecond:F1} whole job), bare {bare:F1}, naive {naive:F1}");
            figures.Add(job, bare, naive);
        }
    }

    private sealed class Figures
    {
        private readonly List<double> _steady = [];
        private readonly List<double> _job = [];
        private readonly List<double> _bare = [];
        private readonly List<double> _naive = [];

        public void Add(JobTimings job, double bare, double naive)
        {
            _steady.Add(job.SteadyImagesPerSecond);
            _job.Add(job.JobImagesPerSecond);
            _bare.Add(bare);
            _naive.Add(naive);
        }

        public object Summarize() => new
        {
            fleetSteadyImagesPerSecond = Spread.Of(_steady),
            fleetJobImagesPerSecond = Spread.Of(_job),
            bareImagesPerSecond = Spread.Of(_bare),
            naiveImagesPerSecond = Spread.Of(_naive),
            fleetSteadyOverBare = Spread.OfRatios(_steady, _bare),
            fleetJobOverBare = Spread.OfRatios(_job, _bare),
            bareOverNaive = Spread.OfRatios(_bare, _naive),
        };
    }
}
