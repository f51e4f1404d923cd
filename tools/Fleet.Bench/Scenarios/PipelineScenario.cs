using Fleet.Inference.Classification;
using Fleet.Bench.Infrastructure;
using Fleet.Contracts;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `pipeline`: images/s of Fleet next to the plain <see cref="ReferencePipeline"/> on the same photos, in the same run:
/// the real `fleet run` as a child process (whole process: start-up and shut-down included), then the engine in this
/// process (steady rate and whole job, start-up excluded), each run paired with a reference run just before it, labels
/// only; with captions, the engine next to the bare loop.
/// </summary>
internal static class PipelineScenario
{
    public static async Task<object> RunAsync(int runs, int imageCount, bool captions, bool wholeProcess, CancellationToken cancellationToken)
    {
        using var photos = PhotoSet.Create(imageCount);
        // The in-process loops read nothing: the 100 photos' bytes, referenced in the same order as the folder lists them.
        var distinct = PhotoSet.SamplePhotos().ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        var images = photos.Files.Select(f => distinct[Path.GetFileName(f)[7..]]).ToArray();
        var captioner = captions ? JobSpec.DefaultCaptioner : null;

        using var models = await InferenceModels.LoadAsync(captions);
        using var reference = new ReferencePipeline(await models.ResolveClassifierPathAsync());
        var referenceTop1 = new int[100];
        await reference.RunAsync(images[..100], referenceTop1);
        // The whole process first, while this process hosts no engine: an idle silo and its Azurite beside the child took
        // CPU from it (26-30 s in the bench against 22-23 s alone, same build, same photos).
        var processReference = new List<double>();
        var process = new List<double>();
        var startups = new List<double>();
        var peaks = new List<double>();
        for (var run = 1; wholeProcess && run <= runs; run++)
        {
            var plain = await reference.RunAsync(images);
            var cli = await CliRun.RunAsync(photos.Folder, cancellationToken);
            processReference.Add(plain);
            process.Add(cli.WholeProcessImagesPerSecond);
            startups.Add(cli.StartupSeconds);
            peaks.Add(cli.PeakMb);
            JsonLine.Progress($"labels: reference {plain:F1} img/s; fleet whole process {cli.WholeProcessImagesPerSecond:F1} ({cli.WallSeconds:F1} s, start-up {cli.StartupSeconds:F1} s, peak {cli.PeakMb} MB)");
        }

        await using var engine = await EngineRun.StartAsync(silos: 1, cancellationToken);
        JsonLine.Progress($"fleet started in {engine.StartSeconds:F1} s; warming up (model load, JIT)");
        using var warmup = PhotoSet.Create(100);
        var warm = await engine.RunJobAsync(warmup.Folder, captioner, cancellationToken);
        if (captions)
            await InProcessLoops.BareAsync(models, images[..100], captions: true);

        var referenceRates = new List<double>();
        var steady = new List<double>();
        var job = new List<double>();
        var captionedFleet = new List<double>();
        var captionedBare = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var plain = await reference.RunAsync(images);
            var labels = await engine.RunJobAsync(photos.Folder, captioner: null, cancellationToken);
            referenceRates.Add(plain);
            steady.Add(labels.SteadyImagesPerSecond);
            job.Add(labels.JobImagesPerSecond);
            JsonLine.Progress($"labels: reference {plain:F1} img/s; fleet {labels.SteadyImagesPerSecond:F1} steady, {labels.JobImagesPerSecond:F1} whole job (in-process engine)");
            if (captions)
            {
                var withCaptions = await engine.RunJobAsync(photos.Folder, captioner, cancellationToken);
                var bare = await InProcessLoops.BareAsync(models, images, captions: true);
                captionedFleet.Add(withCaptions.JobImagesPerSecond);
                captionedBare.Add(bare);
                JsonLine.Progress($"captions: fleet {withCaptions.JobImagesPerSecond:F1} img/s whole job, bare {bare:F1}");
            }
        }

        return new
        {
            scenario = "pipeline",
            images = imageCount,
            runs,
            classifier = models.Classifier.ModelName,
            executionProviders = new { classifier = models.Classifier.ExecutionProvider, captioner = models.Captioner?.ExecutionProvider },
            reference = new
            {
                what = $"plain pipeline (tools/Fleet.Bench ReferencePipeline): scaled JPEG decode, bilinear resize, one-pass normalisation, ORT 1 intra-op thread, {ReferencePipeline.Decoders} decoders, batch {ReferencePipeline.BatchSize}",
                top1OnSamplePhotos = Top1(referenceTop1),
            },
            startup = new
            {
                fleetStartSeconds = Math.Round(engine.StartSeconds, 2),
                firstJobSeconds = Math.Round(warm.JobSeconds, 2),
                note = "in-process engine: start (Azurite + silo) and the first (warm-up) job are excluded from steady and whole job; whole process includes everything and runs (with its own reference runs) before the engine starts",
            },
            labelsOnly = new
            {
                referenceImagesPerSecond = Spread.Of(referenceRates),
                fleetSteadyImagesPerSecond = Spread.Of(steady),
                fleetJobImagesPerSecond = Spread.Of(job),
                referenceBesideWholeProcessImagesPerSecond = wholeProcess ? Spread.Of(processReference) : null,
                fleetWholeProcessImagesPerSecond = wholeProcess ? Spread.Of(process) : null,
                fleetStartupSeconds = wholeProcess ? Spread.Of(startups) : null,
                fleetPeakMb = wholeProcess ? Spread.Of(peaks) : null,
                steadyOverReference = Spread.OfRatios(steady, referenceRates),
                jobOverReference = Spread.OfRatios(job, referenceRates),
                wholeProcessOverReference = wholeProcess ? Spread.OfRatios(process, processReference) : null,
                wholeProcessCommand = wholeProcess ? CliRun.Command : null,
            },
            withCaptions = captions
                ? new { fleetJobImagesPerSecond = Spread.Of(captionedFleet), bareImagesPerSecond = Spread.Of(captionedBare), fleetJobOverBare = Spread.OfRatios(captionedFleet, captionedBare) }
                : null,
            // The bare loops' decoders (DecodeWorkers.Shared): what decode alone could sustain on this host's cores.
            // Bare img/s near decodeCapacity means decode-bound; far below it, the model (or its copies) is the limit.
            decode = DecodeFigures(DecodeWorkers.Shared),
        };
    }

    private static object DecodeFigures(DecodeWorkers decoders)
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

    /// <summary>Top-1 of the reference on the 100 sample photos (file names start with the WordNet id).</summary>
    private static double Top1(int[] classIds)
    {
        var synsets = File.ReadLines(Path.Combine(Environment.GetEnvironmentVariable("FLEET_MODEL_MIRROR")!, "imagenet-labels", "synset.txt")).Select(l => l[..9]).ToArray();
        var names = PhotoSet.SamplePhotos().Select(Path.GetFileName).ToArray();
        return (double)Enumerable.Range(0, 100).Count(i => synsets[classIds[i]] == names[i]![..9]) / 100;
    }
}
