using Fleet.Inference.Imaging;
using Fleet.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Fleet.Inference.Classification;

/// <summary>
/// One batch's worth of reused, pinned input and output memory and the IOBinding that hands both to ONNX Runtime.
/// Decoders write images straight into <see cref="PinnedTensorBuffer"/> memory, the run reads it in place (on the CUDA
/// provider: one asynchronous copy from page-locked memory) and writes the scores back into pinned memory, so nothing
/// per batch is allocated or copied on the managed side. Rented from and returned to its <see cref="ImageClassifier"/>;
/// used by one batch at a time (images of that batch may be written in parallel).
/// </summary>
public sealed class ClassifierBatch : IDisposable
{
    private readonly ImagePreprocessor _preprocessor;

    internal ClassifierBatch(ImagePreprocessor preprocessor, int capacity, int classes, PinnedTensorBuffer input, PinnedTensorBuffer output, OrtIoBinding binding)
    {
        _preprocessor = preprocessor;
        Capacity = capacity;
        Classes = classes;
        Input = input;
        Output = output;
        Binding = binding;
    }

    /// <summary>The most images one run of this batch holds.</summary>
    public int Capacity { get; }

    internal int Classes { get; }

    internal PinnedTensorBuffer Input { get; }

    internal PinnedTensorBuffer Output { get; }

    internal OrtIoBinding Binding { get; }

    /// <summary>Page-locked CUDA memory: freed only while the session that allocated it lives.</summary>
    internal bool IsCudaPinned => Input.IsCudaPinned || Output.IsCudaPinned;

    /// <summary>Decodes <paramref name="encoded"/> into slot <paramref name="index"/>, as floats or bytes as the model takes them.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    /// <exception cref="ImageTooLargeException">The header declares a size over the limits.</exception>
    public void Write(ReadOnlyMemory<byte> encoded, int index)
    {
        CheckIndex(index);
        if (_preprocessor.Spec.TakesBytes)
            _preprocessor.Write(encoded, Input.AsSpan<byte>(Capacity * _preprocessor.ImageLength), index);
        else
            _preprocessor.Write(encoded, Input.AsSpan<float>(Capacity * _preprocessor.ImageLength), index);
    }

    /// <summary>Writes an upright bitmap into slot <paramref name="index"/>.</summary>
    public void Write(SKBitmap image, int index)
    {
        CheckIndex(index);
        if (_preprocessor.Spec.TakesBytes)
            _preprocessor.Write(image, Input.AsSpan<byte>(Capacity * _preprocessor.ImageLength), index);
        else
            _preprocessor.Write(image, Input.AsSpan<float>(Capacity * _preprocessor.ImageLength), index);
    }

    /// <summary>Copies already preprocessed images (the model's element type) into the slots from <paramref name="index"/>.</summary>
    public void Write<T>(ReadOnlySpan<T> images, int index) where T : unmanaged
    {
        CheckIndex(index);
        if (typeof(T) != (_preprocessor.Spec.TakesBytes ? typeof(byte) : typeof(float)))
            throw new ArgumentException($"The model takes {_preprocessor.Spec.InputType}, not {typeof(T).Name}.", nameof(images));
        var length = _preprocessor.ImageLength;
        if (images.Length % length != 0 || index + (images.Length / length) > Capacity)
            throw new ArgumentOutOfRangeException(nameof(images), $"{images.Length} elements are not whole images that fit from slot {index}.");
        images.CopyTo(Input.AsSpan<T>(Capacity * length)[(index * length)..]);
    }

    /// <summary>Zeroes slot <paramref name="index"/> (an image that failed: the run still covers it, its scores are ignored).</summary>
    public void Clear(int index)
    {
        CheckIndex(index);
        var length = _preprocessor.ImageLength;
        if (_preprocessor.Spec.TakesBytes)
            Input.AsSpan<byte>(Capacity * length).Slice(index * length, length).Clear();
        else
            Input.AsSpan<float>(Capacity * length).Slice(index * length, length).Clear();
    }

    /// <summary>The scores of the last run: <paramref name="count"/> rows of <see cref="Classes"/>.</summary>
    internal ReadOnlySpan<float> Scores(int count) => Output.AsSpan<float>(count * Classes);

    public void Dispose()
    {
        Binding.Dispose();
        Input.Dispose();
        Output.Dispose();
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Capacity)
            throw new ArgumentOutOfRangeException(nameof(index), $"Slot {index} is outside a batch of {Capacity}.");
    }
}
