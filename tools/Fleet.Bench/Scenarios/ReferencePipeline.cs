using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// The plain pipeline Fleet is measured against (issue 17), written here on purpose without any of Fleet's classes, so
/// a slow choice in Fleet cannot hide in its own yardstick: SkiaSharp <see cref="SKCodec"/> JPEG decode at the smallest
/// libjpeg scale whose shorter side stays >= 256, one bilinear resize (no mipmaps) to shorter side 256, centre crop 224,
/// mean/std normalisation straight into the NCHW float batch in one pass, ONNX Runtime with one intra-op thread, and one
/// decoder per core filling batches of 32 through a bounded channel while the model runs the previous batch.
/// </summary>
internal sealed class ReferencePipeline : IDisposable
{
    public const int BatchSize = 32;
    private const int Shorter = 256;
    private const int Crop = 224;
    private const int ImageLength = 3 * Crop * Crop;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];
    private static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);

    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _run = new();
    private readonly float[] _lookup = new float[3 * 256];

    public ReferencePipeline(string modelPath)
    {
        _options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(modelPath, _options);
        for (var c = 0; c < 3; c++)
        {
            for (var v = 0; v < 256; v++)
                _lookup[(c * 256) + v] = ((v / 255f) - Mean[c]) / Std[c];
        }
    }

    public static int Decoders => Environment.ProcessorCount;

    /// <summary>Labels <paramref name="images"/> (encoded bytes) and returns images/s; <paramref name="top1"/> gets each image's class id.</summary>
    public async Task<double> RunAsync(IReadOnlyList<byte[]> images, int[]? top1 = null)
    {
        var clock = Stopwatch.StartNew();
        var batches = Channel.CreateBounded<(int Start, int Count, float[] Tensor)>(new BoundedChannelOptions(1) { SingleReader = true });
        var next = -1;
        // Batches are claimed in order by whichever decoder is free; each decoder fills its own batch.
        var decoders = Enumerable.Range(0, Decoders).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var start = Interlocked.Increment(ref next) * BatchSize;
                if (start >= images.Count)
                    return;
                var count = Math.Min(BatchSize, images.Count - start);
                var tensor = new float[count * ImageLength];
                for (var i = 0; i < count; i++)
                    Write(images[start + i], tensor.AsSpan(i * ImageLength, ImageLength));
                await batches.Writer.WriteAsync((start, count, tensor));
            }
        })).ToArray();
        var closing = Task.WhenAll(decoders).ContinueWith(t => batches.Writer.Complete(t.Exception), TaskScheduler.Default);

        var labeled = 0;
        await foreach (var (start, count, tensor) in batches.Reader.ReadAllAsync())
        {
            using var input = OrtValue.CreateTensorValueFromMemory(tensor, [count, 3, Crop, Crop]);
            using var outputs = _session.Run(_run, ["input"], [input], ["output"]);
            var scores = outputs[0].GetTensorDataAsSpan<float>();
            for (var i = 0; i < count; i++)
            {
                var row = scores.Slice(i * 1000, 1000);
                var best = 0;
                for (var k = 1; k < row.Length; k++)
                {
                    if (row[k] > row[best])
                        best = k;
                }
                if (top1 is not null)
                    top1[start + i] = best;
            }
            labeled += count;
        }
        await closing;
        return labeled == images.Count ? labeled / clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"{labeled} of {images.Count} labeled");
    }

    private void Write(byte[] encoded, Span<float> target)
    {
        using var codec = SKCodec.Create(new MemoryStream(encoded)) ?? throw new InvalidDataException("not an image");
        var size = codec.Info.Size;
        for (var eighths = 1; eighths <= 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Min(scaled.Width, scaled.Height) >= Shorter)
            {
                size = scaled;
                break;
            }
        }
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(info);
        if (codec.GetPixels(info, decoded.GetPixels()) is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException("decode failed");

        var (w, h) = size.Width <= size.Height
            ? (Shorter, (int)((long)Shorter * size.Height / size.Width))
            : ((int)((long)Shorter * size.Width / size.Height), Shorter);
        using var resized = decoded.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), Bilinear);
        var left = (w - Crop) / 2;
        var top = (h - Crop) / 2;
        ReadOnlySpan<byte> pixels = resized.GetPixelSpan();
        var plane = Crop * Crop;
        for (var y = 0; y < Crop; y++)
        {
            var row = pixels.Slice(((top + y) * resized.RowBytes) + (left * 4), Crop * 4);
            for (var x = 0; x < Crop; x++)
            {
                var o = (y * Crop) + x;
                target[o] = _lookup[row[x * 4]];
                target[plane + o] = _lookup[256 + row[(x * 4) + 1]];
                target[(2 * plane) + o] = _lookup[512 + row[(x * 4) + 2]];
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
