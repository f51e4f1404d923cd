using System.Threading.Channels;
using Fleet.Inference.Runtime;

namespace Fleet.Inference.Classification;

/// <summary>
/// Classifies a stream of encoded images in batches, decoding the next batch (on the silo's <see cref="DecodeWorkers"/>,
/// straight into a pinned <see cref="ClassifierBatch"/>) while the model runs the current one, so neither the cores
/// nor an accelerator wait for the other stage. At most three batches are live: one in the model, one decoded and
/// waiting, one decoding; they are rented from the classifier and reused.
/// </summary>
public static class ClassificationPipeline
{
    /// <summary>
    /// Reads <paramref name="input"/> until it completes, in batches of <see cref="ImageClassifier.BatchSize"/>
    /// (a smaller batch only when the input has run dry and completed), and hands each classified batch to
    /// <paramref name="onBatch"/> in input order. An image that does not decode (whatever it throws) is a failed
    /// <see cref="ImageClassification"/> with its kind, not an exception. Decodes on <see cref="DecodeWorkers.Shared"/>.
    /// </summary>
    public static Task RunAsync(
        ImageClassifier classifier,
        ChannelReader<EncodedImage> input,
        int topK,
        Func<ClassifiedBatch, Task> onBatch,
        CancellationToken cancellationToken = default) =>
        RunAsync(classifier, DecodeWorkers.Shared, input, topK, onBatch, markModelBusy: null, cancellationToken);

    /// <summary>
    /// As above, decoding on <paramref name="decoders"/>; <paramref name="markModelBusy"/> (optional) is called
    /// around each model run and its result disposed when the run ends (the silo's model-busy clock).
    /// </summary>
    public static async Task RunAsync(
        ImageClassifier classifier,
        DecodeWorkers decoders,
        ChannelReader<EncodedImage> input,
        int topK,
        Func<ClassifiedBatch, Task> onBatch,
        Func<IDisposable>? markModelBusy,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(decoders);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(onBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);

        // Capacity 1: one decoded batch waits for the model; the producer starts the next decode only when it may queue it.
        var decoded = Channel.CreateBounded<Task<DecodedBatch>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stages = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var decode = DecodeBatchesAsync(classifier, decoders, input, decoded.Writer, stages.Token);
        var infer = InferAsync(classifier, decoded.Reader, topK, onBatch, markModelBusy, stages.Token);

        // If one stage fails the other must stop too, or it would wait forever on a full or empty channel.
        _ = decode.ContinueWith(_ => stages.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        _ = infer.ContinueWith(_ => stages.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(decode, infer);
        }
        finally
        {
            // Batches decoded but never run (a stage failed or was cancelled) go back to the classifier.
            while (decoded.Reader.TryRead(out var leftover))
            {
                if (await Task.WhenAny(leftover) == leftover && leftover.IsCompletedSuccessfully)
                    classifier.Return(leftover.Result.Batch);
            }
        }
    }

    private static async Task DecodeBatchesAsync(ImageClassifier classifier, DecodeWorkers decoders, ChannelReader<EncodedImage> input, ChannelWriter<Task<DecodedBatch>> output, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var items in input.ReadBatchesAsync(classifier.BatchSize, cancellationToken))
            {
                if (!await output.WaitToWriteAsync(cancellationToken))
                    throw new OperationCanceledException(cancellationToken);
                await output.WriteAsync(DecodeAsync(classifier, decoders, items, cancellationToken), cancellationToken);
            }
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    private static async Task<DecodedBatch> DecodeAsync(ImageClassifier classifier, DecodeWorkers decoders, EncodedImage[] items, CancellationToken cancellationToken)
    {
        var batch = classifier.Rent();
        try
        {
            var errors = await decoders.DecodeAsync(batch, Array.ConvertAll(items, item => item.Bytes), cancellationToken);
            return new DecodedBatch(items, batch, errors);
        }
        catch
        {
            classifier.Return(batch);
            throw;
        }
    }

    private static async Task InferAsync(ImageClassifier classifier, ChannelReader<Task<DecodedBatch>> input, int topK, Func<ClassifiedBatch, Task> onBatch, Func<IDisposable>? markModelBusy, CancellationToken cancellationToken)
    {
        await foreach (var decoding in input.ReadAllAsync(cancellationToken))
        {
            var batch = await decoding;
            IReadOnlyList<Prediction>[] predictions;
            try
            {
                using (markModelBusy?.Invoke())
                    predictions = classifier.Classify(batch.Batch, batch.Items.Length, topK);
            }
            finally
            {
                classifier.Return(batch.Batch);
            }

            var results = new ImageClassification[batch.Items.Length];
            for (var j = 0; j < results.Length; j++)
                results[j] = batch.Errors[j] is { } error ? ImageClassification.Failed(error.Message, error.Kind) : new ImageClassification(predictions[j], null);
            await onBatch(new ClassifiedBatch(Array.ConvertAll(batch.Items, item => item.Index), results));
        }
    }

    private sealed record DecodedBatch(EncodedImage[] Items, ClassifierBatch Batch, (string Kind, string Message)?[] Errors);
}
