using System.Buffers;
using Fleet.Inference.Imaging;
using Fleet.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Fleet.Inference.Classification;

/// <summary>
/// An ImageNet-style classifier from the catalog: one ONNX Runtime session, created once and shared.
/// All members are thread-safe; every call uses its own buffers.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly ProviderSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly string[] _labels;
    private readonly bool _outputIsLogits;
    private readonly RunOptions _runOptions = new();

    private ImageClassifier(ModelEntry model, ProviderSession session, string[] labels, int batchSize, ImageLimits limits)
    {
        Model = model;
        _session = session;
        _labels = labels;
        _inputNames = [model.Input!];
        _outputNames = [model.Output!];
        _outputIsLogits = string.Equals(model.OutputKind, "logits", StringComparison.OrdinalIgnoreCase);
        Preprocessor = new ImagePreprocessor(model.Preprocessing!, limits);
        MaxBatchSize = CheckModelShapes(session.Session, model, labels.Length);
        BatchSize = Math.Clamp(batchSize, 1, MaxBatchSize);
    }

    public ModelEntry Model { get; }

    public string ModelName => Model.Name;

    /// <summary>The ONNX Runtime provider running the model (<see cref="ExecutionProviders.Cuda"/> or <see cref="ExecutionProviders.Cpu"/>).</summary>
    public string ExecutionProvider => _session.ExecutionProvider;

    public ImagePreprocessor Preprocessor { get; }

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Images per <c>Run</c> in <see cref="ClassifyEncoded"/>.</summary>
    public int BatchSize { get; }

    /// <summary>The model's fixed batch dimension, or <see cref="int.MaxValue"/> when it is dynamic.</summary>
    public int MaxBatchSize { get; }

    /// <summary>
    /// Resolves the classifier <c>modelName</c> (null: the catalog's default classifier) and its labels
    /// (repo, cache, mirror, download) and opens a session.
    /// </summary>
    public static async Task<ImageClassifier> LoadAsync(
        ModelCatalog catalog,
        ModelResolver resolver,
        string? modelName = null,
        InferenceOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        var model = catalog.Get(modelName, ModelKinds.Classifier);

        var modelPath = await resolver.ResolveAsync(model, cancellationToken);
        var labelsPath = await resolver.ResolveAsync(catalog.GetLabelsFor(model), cancellationToken);
        return Create(model, modelPath, ClassLabels.Load(labelsPath), options ?? new InferenceOptions(), logger);
    }

    /// <summary>Opens a session for a model file already on disk.</summary>
    public static ImageClassifier Create(ModelEntry model, string modelPath, IReadOnlyList<string> labels, InferenceOptions options, ILogger? logger = null)
    {
        if (model.Input is null || model.Output is null || model.Preprocessing is null)
        {
            throw new ArgumentException($"Model '{model.Name}' lacks input, output or preprocessing in the catalog.", nameof(model));
        }

        var session = ExecutionProviders.CreateSession(modelPath, options, logger ?? NullLogger.Instance);
        try
        {
            return new ImageClassifier(model, session, [.. labels], options.BatchSize, options.Limits);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Classifies <paramref name="count"/> images already written into <paramref name="batch"/> by
    /// <see cref="Preprocessor"/> (image i at i x <see cref="ImagePreprocessor.ImageLength"/>).
    /// </summary>
    public IReadOnlyList<Prediction>[] Classify(Memory<float> batch, int count, int topK = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var imageLength = Preprocessor.ImageLength;
        if (count < 0 || (long)count * imageLength > batch.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"The buffer holds {batch.Length / imageLength} images, not {count}.");
        }

        var results = new IReadOnlyList<Prediction>[count];
        for (var start = 0; start < count; start += MaxBatchSize)
        {
            var n = Math.Min(MaxBatchSize, count - start);
            Run(batch.Slice(start * imageLength, n * imageLength), n, topK, results.AsSpan(start, n));
        }

        return results;
    }

    /// <summary>Classifies one upright bitmap.</summary>
    public IReadOnlyList<Prediction> Classify(SKBitmap image, int topK = 5)
    {
        var buffer = new float[Preprocessor.ImageLength];
        Preprocessor.Write(image, buffer, 0);
        return Classify(buffer, 1, topK)[0];
    }

    /// <summary>
    /// Decodes, preprocesses and classifies encoded images in batches of <see cref="BatchSize"/>. An image that
    /// cannot be decoded gets an <see cref="ImageClassification.Error"/>; the others are unaffected.
    /// </summary>
    public IReadOnlyList<ImageClassification> ClassifyEncoded(IReadOnlyList<ReadOnlyMemory<byte>> images, int topK = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var results = new ImageClassification[images.Count];
        var imageLength = Preprocessor.ImageLength;
        var buffer = ArrayPool<float>.Shared.Rent(BatchSize * imageLength);
        var errors = new (string Kind, string Message)?[BatchSize];
        var predictions = new IReadOnlyList<Prediction>[BatchSize];
        try
        {
            for (var start = 0; start < images.Count; start += BatchSize)
            {
                var n = Math.Min(BatchSize, images.Count - start);
                var batchStart = start;

                // Decoding dominates on a GPU host; spread it over cores. Image j goes to slot j; a failed slot is
                // zeroed and still run (rare, and it keeps the tensor contiguous), its scores ignored.
                Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, j =>
                {
                    errors[j] = null;
                    try
                    {
                        Preprocessor.Write(images[batchStart + j], buffer, j);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        errors[j] = ImageErrorKinds.Of(ex);
                        buffer.AsSpan(j * imageLength, imageLength).Clear();
                    }
                });

                Run(buffer.AsMemory(0, n * imageLength), n, topK, predictions.AsSpan(0, n));
                for (var j = 0; j < n; j++)
                {
                    results[start + j] = errors[j] is { } error ? ImageClassification.Failed(error.Message, error.Kind) : new ImageClassification(predictions[j], null);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        return results;
    }

    public void Dispose()
    {
        // The session waits for runs in flight; only then may their run options go.
        _session.Dispose();
        _runOptions.Dispose();
    }

    private void Run(Memory<float> batch, int count, int topK, Span<IReadOnlyList<Prediction>> results)
    {
        using var use = _session.Use();
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch, Preprocessor.BatchShape(count));
        using var outputs = _session.Session.Run(_runOptions, _inputNames, [input], _outputNames);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != count || shape[1] != _labels.Length)
        {
            throw new InvalidOperationException(
                $"Model '{ModelName}' returned shape [{string.Join(", ", shape)}], expected [{count}, {_labels.Length}].");
        }

        var scores = output.GetTensorDataAsSpan<float>();
        for (var i = 0; i < count; i++)
        {
            results[i] = ScoreRanking.Top(scores.Slice(i * _labels.Length, _labels.Length), topK, _outputIsLogits, _labels);
        }
    }

    /// <summary>Checks the graph against the catalog so a mismatch fails at load; returns the batch limit.</summary>
    private static int CheckModelShapes(InferenceSession session, ModelEntry model, int labelCount)
    {
        var crop = model.Preprocessing!.CropSize;
        if (!session.InputMetadata.TryGetValue(model.Input!, out var input))
        {
            throw new InvalidDataException($"Model '{model.Name}' has no input '{model.Input}' (it has {string.Join(", ", session.InputMetadata.Keys)}).");
        }

        if (!session.OutputMetadata.TryGetValue(model.Output!, out var output))
        {
            throw new InvalidDataException($"Model '{model.Name}' has no output '{model.Output}' (it has {string.Join(", ", session.OutputMetadata.Keys)}).");
        }

        var dims = input.Dimensions;
        if (input.ElementType != typeof(float) || dims.Length != 4 || !Fits(dims[1], 3) || !Fits(dims[2], crop) || !Fits(dims[3], crop))
        {
            throw new InvalidDataException(
                $"Model '{model.Name}' input '{model.Input}' is {input.ElementType.Name}[{string.Join(", ", dims)}], expected float[N, 3, {crop}, {crop}].");
        }

        var outDims = output.Dimensions;
        if (outDims.Length != 2 || !Fits(outDims[1], labelCount))
        {
            throw new InvalidDataException(
                $"Model '{model.Name}' output '{model.Output}' is [{string.Join(", ", outDims)}], expected [N, {labelCount}] to match its labels.");
        }

        return dims[0] > 0 ? dims[0] : int.MaxValue;
    }

    // A symbolic dimension shows as -1 and accepts any size.
    private static bool Fits(int dimension, int expected) => dimension <= 0 || dimension == expected;
}
