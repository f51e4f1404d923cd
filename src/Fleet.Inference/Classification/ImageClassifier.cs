using System.Collections.Concurrent;
using Fleet.Inference.Imaging;
using Fleet.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

namespace Fleet.Inference.Classification;

/// <summary>
/// An ImageNet-style classifier from the catalog: one ONNX Runtime session, created once and shared.
/// All members are thread-safe. Every run goes through IOBinding over a <see cref="ClassifierBatch"/>: reused pinned
/// input and output memory (CUDA page-locked on the CUDA provider), one batch per concurrent caller.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly ProviderSession _session;
    private readonly string[] _labels;
    private readonly bool _outputIsLogits;
    private readonly RunOptions _runOptions = new();
    private readonly ConcurrentBag<ClassifierBatch> _batches = [];
    private readonly int _deviceId;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    private ImageClassifier(ModelEntry model, ProviderSession session, string[] labels, InferenceOptions options, ILogger logger)
    {
        Model = model;
        _session = session;
        _labels = labels;
        _deviceId = options.DeviceId;
        _logger = logger;
        _outputIsLogits = string.Equals(model.OutputKind, "logits", StringComparison.OrdinalIgnoreCase);
        Preprocessor = new ImagePreprocessor(model.Preprocessing!, options.Limits);
        MaxBatchSize = CheckModelShapes(session.Session, model, labels.Length);
        BatchSize = Math.Clamp(options.BatchSize, 1, MaxBatchSize);
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
            return new ImageClassifier(model, session, [.. labels], options, logger ?? NullLogger.Instance);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A batch of <see cref="BatchSize"/> pinned slots to decode into and run (<see cref="Classify(ClassifierBatch, int, int)"/>);
    /// give it back with <see cref="Return"/>. Batches are reused, so a steady pipeline allocates none.
    /// </summary>
    public ClassifierBatch Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _batches.TryTake(out var batch) ? batch : CreateBatch();
    }

    public void Return(ClassifierBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_disposed)
        {
            _batches.Add(batch);
            return;
        }

        // Returned after the session went: CUDA pinned memory belongs to that session's allocator, so it is left to
        // the process's end rather than freed through a dead allocator; managed pinned memory is freed as usual.
        if (!batch.IsCudaPinned)
            batch.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="concurrentRuns"/> full batches at once and drops the results. The first runs of a session
    /// grow ONNX Runtime's arena (page faults) and run cold code; a silo warms up while storage is still starting, so
    /// the first shards do not pay for it.
    /// </summary>
    public void WarmUp(int concurrentRuns)
    {
        var batches = Enumerable.Range(0, Math.Max(1, concurrentRuns)).Select(_ => Rent()).ToArray();
        try
        {
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = batches.Length }, batch => Classify(batch, batch.Capacity, topK: 1));
        }
        finally
        {
            foreach (var batch in batches)
                Return(batch);
        }
    }

    /// <summary>Classifies the first <paramref name="count"/> images written into <paramref name="batch"/>.</summary>
    public IReadOnlyList<Prediction>[] Classify(ClassifierBatch batch, int count, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (count < 0 || count > batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), $"The batch holds {batch.Capacity} images, not {count}.");
        var results = new IReadOnlyList<Prediction>[count];
        if (count > 0)
            Run(batch, count, topK, results);
        return results;
    }

    /// <summary>
    /// Classifies <paramref name="count"/> images already preprocessed into <paramref name="images"/> as floats (a
    /// float-input model; image i at i x <see cref="ImagePreprocessor.ImageLength"/>).
    /// </summary>
    public IReadOnlyList<Prediction>[] Classify(ReadOnlySpan<float> images, int count, int topK = 5) => ClassifyCopied(images, count, topK);

    /// <summary>Classifies <paramref name="count"/> uint8 NHWC crops (a uint8-input model, <see cref="PreprocessingSpec.TakesBytes"/>).</summary>
    public IReadOnlyList<Prediction>[] Classify(ReadOnlySpan<byte> crops, int count, int topK = 5) => ClassifyCopied(crops, count, topK);

    /// <summary>Classifies one upright bitmap.</summary>
    public IReadOnlyList<Prediction> Classify(SKBitmap image, int topK = 5)
    {
        var batch = Rent();
        try
        {
            batch.Write(image, 0);
            return Classify(batch, 1, topK)[0];
        }
        finally
        {
            Return(batch);
        }
    }

    /// <summary>
    /// Decodes, preprocesses and classifies encoded images in batches of <see cref="BatchSize"/>. An image that
    /// cannot be decoded gets an <see cref="ImageClassification.Error"/>; the others are unaffected.
    /// </summary>
    public IReadOnlyList<ImageClassification> ClassifyEncoded(IReadOnlyList<ReadOnlyMemory<byte>> images, int topK = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var results = new ImageClassification[images.Count];
        var batch = Rent();
        var errors = new (string Kind, string Message)?[batch.Capacity];
        try
        {
            for (var start = 0; start < images.Count; start += batch.Capacity)
            {
                var n = Math.Min(batch.Capacity, images.Count - start);
                var batchStart = start;

                // Decoding dominates on a GPU host; spread it over cores. Image j goes to slot j; a failed slot is
                // zeroed and still run (rare, and it keeps the tensor contiguous), its scores ignored.
                Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, j =>
                {
                    errors[j] = null;
                    try
                    {
                        batch.Write(images[batchStart + j], j);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        errors[j] = ImageErrorKinds.Of(ex);
                        batch.Clear(j);
                    }
                });

                var predictions = Classify(batch, n, topK);
                for (var j = 0; j < n; j++)
                {
                    results[start + j] = errors[j] is { } error ? ImageClassification.Failed(error.Message, error.Kind) : new ImageClassification(predictions[j], null);
                }
            }
        }
        finally
        {
            Return(batch);
        }

        return results;
    }

    public void Dispose()
    {
        // Idle batches go while the session (and its CUDA pinned allocator) lives; the session waits for runs in
        // flight, and only then may their run options go.
        _disposed = true;
        while (_batches.TryTake(out var batch))
            batch.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    private IReadOnlyList<Prediction>[] ClassifyCopied<T>(ReadOnlySpan<T> images, int count, int topK) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var imageLength = Preprocessor.ImageLength;
        if (count < 0 || (long)count * imageLength > images.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"The buffer holds {images.Length / imageLength} images, not {count}.");
        }

        var results = new IReadOnlyList<Prediction>[count];
        var batch = Rent();
        try
        {
            for (var start = 0; start < count; start += batch.Capacity)
            {
                var n = Math.Min(batch.Capacity, count - start);
                batch.Write(images.Slice(start * imageLength, n * imageLength), 0);
                Run(batch, n, topK, results.AsSpan(start, n));
            }
        }
        finally
        {
            Return(batch);
        }

        return results;
    }

    private ClassifierBatch CreateBatch()
    {
        var capacity = BatchSize;
        var elementSize = Preprocessor.Spec.TakesBytes ? sizeof(byte) : sizeof(float);
        var inputBytes = (long)capacity * Preprocessor.ImageLength * elementSize;
        var outputBytes = (long)capacity * _labels.Length * sizeof(float);
        PinnedTensorBuffer? input = null, output = null;
        try
        {
            input = AllocatePinned(inputBytes);
            output = AllocatePinned(outputBytes);
            return new ClassifierBatch(Preprocessor, capacity, _labels.Length, input, output, _session.Session.CreateIoBinding());
        }
        catch
        {
            input?.Dispose();
            output?.Dispose();
            throw;
        }
    }

    // Page-locked memory is what lets the CUDA provider copy a batch asynchronously at full bus speed; pageable
    // managed memory costs a staging copy per run.
    private PinnedTensorBuffer AllocatePinned(long bytes)
    {
        if (ExecutionProvider != ExecutionProviders.Cuda)
            return PinnedTensorBuffer.Managed(bytes);
        try
        {
            return PinnedTensorBuffer.CudaPinned(_session.Session, _deviceId, bytes);
        }
        catch (OnnxRuntimeException ex)
        {
            InferenceLog.PinnedMemoryFallback(_logger, ModelName, ex.Message);
            return PinnedTensorBuffer.Managed(bytes);
        }
    }

    private void Run(ClassifierBatch batch, int count, int topK, Span<IReadOnlyList<Prediction>> results)
    {
        var (elementType, elementSize) = Preprocessor.Spec.TakesBytes ? (TensorElementType.UInt8, sizeof(byte)) : (TensorElementType.Float, sizeof(float));
        using var use = _session.Use();
        using var input = batch.Input.Tensor(elementType, Preprocessor.BatchShape(count), elementSize);
        using var output = batch.Output.Tensor(TensorElementType.Float, [count, _labels.Length], sizeof(float));
        batch.Binding.BindInput(Model.Input!, input);
        batch.Binding.BindOutput(Model.Output!, output);
        _session.Session.RunWithBinding(_runOptions, batch.Binding);
        batch.Binding.SynchronizeBoundOutputs();

        var scores = batch.Scores(count);
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
        var bytes = model.Preprocessing.TakesBytes;
        var (type, expected) = bytes ? (typeof(byte), $"uint8[N, {crop}, {crop}, 3]") : (typeof(float), $"float[N, 3, {crop}, {crop}]");
        var shapeFits = dims.Length == 4 && (bytes
            ? Fits(dims[1], crop) && Fits(dims[2], crop) && Fits(dims[3], 3)
            : Fits(dims[1], 3) && Fits(dims[2], crop) && Fits(dims[3], crop));
        if (input.ElementType != type || !shapeFits)
        {
            throw new InvalidDataException(
                $"Model '{model.Name}' input '{model.Input}' is {input.ElementType.Name}[{string.Join(", ", dims)}], expected {expected}.");
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
