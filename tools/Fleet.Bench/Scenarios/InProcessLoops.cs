using System.Diagnostics;
using System.Threading.Channels;
using Fleet.Bench.Infrastructure;
using Fleet.Inference.Classification;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// The two reference loops of the pipeline scenario, over images already in memory (no Orleans, no storage):
/// the bare pipeline (the engine's own <see cref="ClassificationPipeline"/>: parallel decode overlapping batched
/// inference) and the naive loop (decode one image, run it alone, next).
/// </summary>
internal static class InProcessLoops
{
    private const int TopK = 5;

    /// <summary>Images per second of the bare pipeline; with <paramref name="captions"/> each batch is captioned as it lands.</summary>
    public static async Task<double> BareAsync(InferenceModels models, IReadOnlyList<byte[]> images, bool captions)
    {
        var input = Channel.CreateBounded<EncodedImage>(new BoundedChannelOptions(models.Classifier.BatchSize * 2) { SingleWriter = true, SingleReader = true });
        var clock = Stopwatch.StartNew();
        var feed = Task.Run(async () =>
        {
            for (var i = 0; i < images.Count; i++)
                await input.Writer.WriteAsync(new EncodedImage(i, images[i]));
            input.Writer.Complete();
        });
        var labeled = 0;
        await ClassificationPipeline.RunAsync(models.Classifier, input.Reader, TopK, batch =>
        {
            if (captions)
                models.Caption(batch.Results);
            labeled += batch.Results.Count(r => r.Succeeded);
            return Task.CompletedTask;
        });
        await feed;
        return Check(labeled, images.Count) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Images per second of batches decoded in parallel and then run, without overlap (ImageClassifier.ClassifyEncoded,
    /// the engine's loop before ClassificationPipeline): what overlapping decode with inference gains.
    /// </summary>
    public static double BatchedWithoutOverlap(InferenceModels models, IReadOnlyList<byte[]> images)
    {
        var clock = Stopwatch.StartNew();
        var labeled = 0;
        foreach (var batch in images.Chunk(models.Classifier.BatchSize))
            labeled += models.Classifier.ClassifyEncoded([.. batch.Select(b => (ReadOnlyMemory<byte>)b)], TopK).Count(r => r.Succeeded);
        return Check(labeled, images.Count) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Images per second of the naive loop: decode one, classify it alone (batch 1), caption it alone, next.</summary>
    public static double Naive(InferenceModels models, IReadOnlyList<byte[]> images, bool captions)
    {
        var clock = Stopwatch.StartNew();
        var labeled = 0;
        foreach (var image in images)
        {
            var result = models.Classifier.ClassifyEncoded([image], TopK);
            if (captions)
                models.Caption(result);
            labeled += result.Count(r => r.Succeeded);
        }
        return Check(labeled, images.Count) / clock.Elapsed.TotalSeconds;
    }

    private static int Check(int labeled, int expected) =>
        labeled == expected ? labeled : throw new InvalidOperationException($"only {labeled} of {expected} images were labeled");
}
