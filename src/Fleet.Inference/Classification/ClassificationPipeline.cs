using System.Buffers;
using System.Threading.Channels;
using Fleet.Inference.Imaging;
using Fleet.Inference.Runtime;

namespace Fleet.Inference.Classification;

/// <summary>
/// Classifies a stream of encoded images in batches, decoding the next batch (in parallel, into a pooled buffer)
/// while the model runs the current one, so neither the cores nor an accelerator wait for the other stage.
/// At most three batch buffers are live: one in the model, one decoded and waiting, one decoding.
/// </summary>
public static class ClassificationPipeline
{
    /// <summary>
    /// Reads <paramref name="input"/> until it completes, in batches of <see cref="ImageClassifier.BatchSize"/>
    /// (a smaller batch only when the input has run dry and completed), and hands each classified batch to
    /// <paramref name="onBatch"/> in input order. An image that does not decode (whatever it throws) is a failed
    /// <see cref="ImageClassification"/> with its kind, not an exception.
    /// </summary>
    public static async Task RunAsync(
        ImageClassifier classifier,
        ChannelReader<EncodedImage> input,
        int topK,
        Func<ClassifiedBatch, Task> onBatch,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(onBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);

        // Capacity 1: one decoded batch waits for the model; the producer starts the next decode only when it may queue it.
        var decoded = Channel.CreateBounded<Task<DecodedBatch>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stages = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var decode = DecodeBatchesAsync(classifier, input, decoded.Writer, stages.Token);
        var infer = InferAsync(classifier, decoded.Reader, topK, onBatch, stages.Token);

        // If one stage fails the other must stop too, or it would wait forever on a full or empty channel.
        _ = decode.ContinueWith(_ => stages.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        _ = infer.ContinueWith(_ => stages.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await Task.WhenAll(decode, infer);
    }

    private static async Task DecodeBatchesAsync(ImageClassifier classifier, ChannelReader<EncodedImage> input, ChannelWriter<Task<DecodedBatch>> output, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var items in input.ReadBatchesAsync(classifier.BatchSize, cancellationToken))
            {
                if (!await output.WaitToWriteAsync(cancellationToken))
                    throw new OperationCanceledException(cancellationToken);
                var decoding = Task.Run(() => Decode(classifier.Preprocessor, items, cancellationToken), cancellationToken);
                await output.WriteAsync(decoding, cancellationToken);
            }
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    private static DecodedBatch Decode(ImagePreprocessor preprocessor, EncodedImage[] items, CancellationToken cancellationToken)
    {
        var length = preprocessor.ImageLength;
        var buffer = ArrayPool<float>.Shared.Rent(items.Length * length);
        var errors = new (string Kind, string Message)?[items.Length];
        try
        {
            // A failed slot is zeroed and still run (rare, and it keeps the tensor contiguous); its scores are ignored.
            Parallel.For(0, items.Length, new ParallelOptions { CancellationToken = cancellationToken }, j =>
            {
                try
                {
                    preprocessor.Write(items[j].Bytes, buffer, j);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Whatever one image throws (a codec's allocation failure included) is that image's error row.
                    errors[j] = ImageErrorKinds.Of(e);
                    buffer.AsSpan(j * length, length).Clear();
                }
            });
        }
        catch
        {
            ArrayPool<float>.Shared.Return(buffer);
            throw;
        }
        return new DecodedBatch(items, buffer, errors);
    }

    private static async Task InferAsync(ImageClassifier classifier, ChannelReader<Task<DecodedBatch>> input, int topK, Func<ClassifiedBatch, Task> onBatch, CancellationToken cancellationToken)
    {
        var length = classifier.Preprocessor.ImageLength;
        await foreach (var decoding in input.ReadAllAsync(cancellationToken))
        {
            var batch = await decoding;
            IReadOnlyList<Prediction>[] predictions;
            try
            {
                predictions = classifier.Classify(batch.Buffer.AsMemory(0, batch.Items.Length * length), batch.Items.Length, topK);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(batch.Buffer);
            }

            var results = new ImageClassification[batch.Items.Length];
            for (var j = 0; j < results.Length; j++)
                results[j] = batch.Errors[j] is { } error ? ImageClassification.Failed(error.Message, error.Kind) : new ImageClassification(predictions[j], null);
            await onBatch(new ClassifiedBatch(Array.ConvertAll(batch.Items, item => item.Index), results));
        }
    }

    private sealed record DecodedBatch(EncodedImage[] Items, float[] Buffer, (string Kind, string Message)?[] Errors);
}
