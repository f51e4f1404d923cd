using Fleet.Models;
using SkiaSharp;

namespace Fleet.Inference.Imaging;

/// <summary>
/// Turns an upright bitmap into one image of a float NCHW batch, as the catalog's <see cref="PreprocessingSpec"/>
/// says: resize the shorter side, center crop, then (pixel / scale - mean[c]) / std[c] per plane.
/// Matches torchvision's Resize + CenterCrop + ToTensor + Normalize, rounding included. Thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    /// <summary>
    /// Bilinear, no mipmaps: what every resize gets that shrinks by at most <see cref="BilinearMaxDownscale"/>, which is
    /// every JPEG (decoded at the libjpeg scale just above the target). Building and sampling the mip chain was the
    /// largest single item of a steady `fleet run` profile (Skia's gather and filter stages, ~22 % of CPU samples);
    /// without it Fleet's steady rate went from 0.72x to 1.08x the reference pipeline's (docs/benchmarks.md), and
    /// top-1 on the 100 sample photos from 0.82 to 0.81 (the reference pipeline, bilinear too, gets 0.81).
    /// </summary>
    public static readonly SKSamplingOptions DefaultSampling = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>
    /// Trilinear (linear + linear mipmaps), for the rare resize that shrinks more than <see cref="BilinearMaxDownscale"/>
    /// (a large PNG, WebP or GIF, which have no scaled decode): plain bilinear would alias there.
    /// </summary>
    public static readonly SKSamplingOptions LargeDownscaleSampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Up to this shrink factor a bilinear tap still covers every source pixel, so nothing aliases.</summary>
    public const double BilinearMaxDownscale = 2.0;

    private const int BytesPerPixel = 4;

    // Per tensor plane, the normalised value of each byte: exact formula, no per-pixel arithmetic.
    private readonly float[] _normalised;
    private readonly SKSamplingOptions? _sampling;

    /// <summary>
    /// Source pixels kept beyond the crop window when only the crop's part of the source is resized (a strip here, a
    /// JPEG in <see cref="JpegCropDecoder"/>): the bilinear filter's reach, with room to spare.
    /// </summary>
    private const int CropMargin = 2;

    public ImagePreprocessor(PreprocessingSpec spec, ImageLimits? limits = null)
        : this(spec, sampling: null, limits)
    {
    }

    /// <param name="spec">The catalog's preprocessing.</param>
    /// <param name="sampling">One filter for every resize; null chooses per image (<see cref="SamplingFor"/>).</param>
    /// <param name="limits">The largest image decoded.</param>
    internal ImagePreprocessor(PreprocessingSpec spec, SKSamplingOptions? sampling, ImageLimits? limits = null)
    {
        spec.Validate("(preprocessor)");
        Spec = spec;
        Limits = limits ?? ImageLimits.Default;
        _sampling = sampling;
        ImageLength = 3 * spec.CropSize * spec.CropSize;
        _normalised = new float[3 * 256];
        for (var plane = 0; plane < 3; plane++)
        {
            var channel = spec.IsBgr ? 2 - plane : plane;
            for (var value = 0; value < 256; value++)
            {
                _normalised[(plane * 256) + value] = ((value / spec.Scale) - spec.Mean[channel]) / spec.Std[channel];
            }
        }
    }

    public PreprocessingSpec Spec { get; }

    /// <summary>The largest image <see cref="Write(ReadOnlyMemory{byte}, Span{float}, int)"/> decodes.</summary>
    public ImageLimits Limits { get; }

    /// <summary>Elements per image in the batch buffer (floats, or bytes when <see cref="PreprocessingSpec.TakesBytes"/>): 3 x crop x crop.</summary>
    public int ImageLength { get; }

    /// <summary>The tensor shape of a batch of <paramref name="count"/> images: [N, 3, crop, crop], or [N, crop, crop, 3] for uint8 input.</summary>
    public long[] BatchShape(int count) => Spec.TakesBytes
        ? [count, Spec.CropSize, Spec.CropSize, 3]
        : [count, 3, Spec.CropSize, Spec.CropSize];

    /// <summary>The filter for a resize from <paramref name="sourceWidth"/> to <paramref name="targetWidth"/> (same factor both ways).</summary>
    public static SKSamplingOptions SamplingFor(int sourceWidth, int targetWidth) =>
        sourceWidth > BilinearMaxDownscale * targetWidth ? LargeDownscaleSampling : DefaultSampling;

    /// <summary>torchvision's Resize(int): the shorter side becomes exactly <paramref name="shorterSide"/>, the longer int(N * long / short).</summary>
    public static SKSizeI ResizedSize(int width, int height, int shorterSide)
    {
        if (width <= height)
        {
            return new SKSizeI(shorterSide, (int)((long)shorterSide * height / width));
        }

        return new SKSizeI((int)((long)shorterSide * width / height), shorterSide);
    }

    /// <summary>torchvision's CenterCrop offset: round((size - crop) / 2), ties to even like Python's round.</summary>
    public static SKPointI CropOrigin(int width, int height, int cropSize) =>
        new(
            (int)Math.Round((width - cropSize) / 2.0, MidpointRounding.ToEven),
            (int)Math.Round((height - cropSize) / 2.0, MidpointRounding.ToEven));

    /// <summary>
    /// Whether a resize to <paramref name="resized"/> makes a strip over 4x the crop's square: its crop is then cut out
    /// of the source before the resize (<see cref="ResizeCropWindow"/>), so a 100000x1 image costs what its crop costs.
    /// </summary>
    internal static bool IsStrip(SKSizeI resized, int shorterSide) =>
        (long)resized.Width * resized.Height > 4L * shorterSide * shorterSide;

    /// <summary>
    /// The pixels of a <paramref name="source"/>-sized image that land in the centre crop of its resize to
    /// <paramref name="resized"/>, with <see cref="CropMargin"/> more on each side for the filter's reach.
    /// </summary>
    internal static SKRectI CropSourceWindow(SKSizeI source, SKSizeI resized, int cropSize)
    {
        var origin = CropOrigin(resized.Width, resized.Height, cropSize);
        var scaleX = (double)resized.Width / source.Width;
        var scaleY = (double)resized.Height / source.Height;
        return new SKRectI(
            Math.Max(0, (int)Math.Floor(origin.X / scaleX) - CropMargin),
            Math.Max(0, (int)Math.Floor(origin.Y / scaleY) - CropMargin),
            Math.Min(source.Width, (int)Math.Ceiling((origin.X + cropSize) / scaleX) + CropMargin),
            Math.Min(source.Height, (int)Math.Ceiling((origin.Y + cropSize) / scaleY) + CropMargin));
    }

    /// <summary>
    /// Decodes <paramref name="encoded"/> and writes it as image <paramref name="index"/>: a plain JPEG decodes only the
    /// window its crop needs (<see cref="JpegCropDecoder"/>), anything else in full (at a reduced JPEG scale when safe).
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    /// <exception cref="ImageTooLargeException">The header declares a size over <see cref="Limits"/>.</exception>
    public void Write(ReadOnlyMemory<byte> encoded, Span<float> batch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        using var crop = JpegCropDecoder.TryDecodeCrop(encoded, Spec, Limits, _sampling);
        if (crop is not null)
        {
            WriteCrop(crop.Value.Bitmap, batch.Slice(index * ImageLength, ImageLength), crop.Value.Origin);
            return;
        }

        using var image = ImageDecoder.Decode(encoded, Spec.ResizeShorterSide, Limits);
        Write(image, batch, index);
    }

    /// <summary>Writes <paramref name="image"/> as image <paramref name="index"/> of <paramref name="batch"/> (at index x <see cref="ImageLength"/>).</summary>
    public void Write(SKBitmap image, Span<float> batch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var target = batch.Slice(index * ImageLength, ImageLength);
        using var crop = CropOf(image);
        WriteCrop(crop.Bitmap, target, crop.Origin);
    }

    /// <summary>
    /// For a model that takes bytes (<see cref="PreprocessingSpec.TakesBytes"/>): decodes <paramref name="encoded"/> and
    /// writes its crop as image <paramref name="index"/> of a uint8 NHWC batch, the model normalising it.
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    /// <exception cref="ImageTooLargeException">The header declares a size over <see cref="Limits"/>.</exception>
    public void Write(ReadOnlyMemory<byte> encoded, Span<byte> batch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        using var crop = JpegCropDecoder.TryDecodeCrop(encoded, Spec, Limits, _sampling);
        if (crop is not null)
        {
            WriteCropBytes(crop.Value.Bitmap, batch.Slice(index * ImageLength, ImageLength), crop.Value.Origin);
            return;
        }

        using var image = ImageDecoder.Decode(encoded, Spec.ResizeShorterSide, Limits);
        Write(image, batch, index);
    }

    /// <summary>Writes the crop of <paramref name="image"/> as image <paramref name="index"/> of a uint8 NHWC batch (3 bytes a pixel, in the spec's channel order).</summary>
    public void Write(SKBitmap image, Span<byte> batch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var target = batch.Slice(index * ImageLength, ImageLength);
        using var crop = CropOf(image);
        WriteCropBytes(crop.Bitmap, target, crop.Origin);
    }

    /// <summary>The resized RGBA/BGRA bitmap that holds the centre crop of <paramref name="image"/>, and where the crop starts.</summary>
    private ResizedCrop CropOf(SKBitmap image)
    {
        SKBitmap? converted = null;
        try
        {
            var source = image;
            if (source.ColorType is not (SKColorType.Rgba8888 or SKColorType.Bgra8888))
            {
                converted = source.Copy(SKColorType.Rgba8888)
                    ?? throw new ArgumentException($"Cannot convert a {source.ColorType} bitmap to RGBA.", nameof(image));
                source = converted;
            }

            var size = ResizedSize(source.Width, source.Height, Spec.ResizeShorterSide);
            if (size.Width == source.Width && size.Height == source.Height)
            {
                return new ResizedCrop(source, CropOrigin(source.Width, source.Height, Spec.CropSize), converted, null);
            }

            if (!IsStrip(size, Spec.ResizeShorterSide))
            {
                var resized = source.Resize(source.Info.WithSize(size.Width, size.Height), _sampling ?? SamplingFor(source.Width, size.Width))
                    ?? throw new InvalidOperationException($"Skia could not resize {source.Width}x{source.Height} to {size.Width}x{size.Height}.");
                return new ResizedCrop(resized, CropOrigin(size.Width, size.Height, Spec.CropSize), converted, resized);
            }

            // An elongated image would resize to a huge strip of which the crop keeps a square: cut the square (and a
            // filter margin) out of the source first, so a 100000x1 image costs what its crop costs.
            var window = ResizeCropWindow(source, size, out var origin);
            return new ResizedCrop(window, origin, converted, window);
        }
        catch
        {
            converted?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Resizes only the part of <paramref name="source"/> that lands in the centre crop of the full resize to
    /// <paramref name="size"/>; <paramref name="origin"/> is where the crop starts in the returned bitmap.
    /// </summary>
    private SKBitmap ResizeCropWindow(SKBitmap source, SKSizeI size, out SKPointI origin)
    {
        var crop = Spec.CropSize;
        var full = CropOrigin(size.Width, size.Height, crop);
        var scaleX = (double)size.Width / source.Width;
        var scaleY = (double)size.Height / source.Height;
        var cut = CropSourceWindow(new SKSizeI(source.Width, source.Height), size, crop);
        var (left, top, right, bottom) = (cut.Left, cut.Top, cut.Right, cut.Bottom);

        using var window = new SKBitmap();
        if (!source.ExtractSubset(window, new SKRectI(left, top, right, bottom)))
            throw new InvalidOperationException($"Skia could not cut {left},{top}-{right},{bottom} out of {source.Width}x{source.Height}.");
        var width = Math.Max(crop, (int)Math.Round((right - left) * scaleX));
        var height = Math.Max(crop, (int)Math.Round((bottom - top) * scaleY));
        var resized = window.Resize(window.Info.WithSize(width, height), _sampling ?? SamplingFor(window.Width, width))
            ?? throw new InvalidOperationException($"Skia could not resize {window.Width}x{window.Height} to {width}x{height}.");
        origin = new SKPointI(
            Math.Clamp(full.X - (int)Math.Round(left * scaleX), 0, width - crop),
            Math.Clamp(full.Y - (int)Math.Round(top * scaleY), 0, height - crop));
        return resized;
    }

    private void WriteCrop(SKBitmap source, Span<float> target, SKPointI origin)
    {
        var crop = Spec.CropSize;

        // Byte offset of each tensor plane's channel inside a pixel.
        var (red, blue) = source.ColorType == SKColorType.Bgra8888 ? (2, 0) : (0, 2);
        var (first, third) = Spec.IsBgr ? (blue, red) : (red, blue);
        const int Second = 1;

        var planeSize = crop * crop;
        var plane0 = target[..planeSize];
        var plane1 = target.Slice(planeSize, planeSize);
        var plane2 = target.Slice(2 * planeSize, planeSize);
        ReadOnlySpan<float> lookup0 = _normalised.AsSpan(0, 256);
        ReadOnlySpan<float> lookup1 = _normalised.AsSpan(256, 256);
        ReadOnlySpan<float> lookup2 = _normalised.AsSpan(512, 256);

        ReadOnlySpan<byte> pixels = source.GetPixelSpan();
        var rowBytes = source.RowBytes;
        for (var y = 0; y < crop; y++)
        {
            var row = pixels.Slice(((origin.Y + y) * rowBytes) + (origin.X * BytesPerPixel), crop * BytesPerPixel);
            var outRow = y * crop;
            for (var x = 0; x < crop; x++)
            {
                var pixel = row.Slice(x * BytesPerPixel, BytesPerPixel);
                plane0[outRow + x] = lookup0[pixel[first]];
                plane1[outRow + x] = lookup1[pixel[Second]];
                plane2[outRow + x] = lookup2[pixel[third]];
            }
        }
    }

    // One pass, no float buffer: 3 of every 4 bytes of each crop row, in the tensor's channel order.
    private void WriteCropBytes(SKBitmap source, Span<byte> target, SKPointI origin)
    {
        var crop = Spec.CropSize;
        var (red, blue) = source.ColorType == SKColorType.Bgra8888 ? (2, 0) : (0, 2);
        var (first, third) = Spec.IsBgr ? (blue, red) : (red, blue);
        const int Second = 1;

        ReadOnlySpan<byte> pixels = source.GetPixelSpan();
        var rowBytes = source.RowBytes;
        for (var y = 0; y < crop; y++)
        {
            var row = pixels.Slice(((origin.Y + y) * rowBytes) + (origin.X * BytesPerPixel), crop * BytesPerPixel);
            var outRow = target.Slice(y * crop * 3, crop * 3);
            for (var x = 0; x < crop; x++)
            {
                var pixel = row.Slice(x * BytesPerPixel, BytesPerPixel);
                outRow[(x * 3) + 0] = pixel[first];
                outRow[(x * 3) + 1] = pixel[Second];
                outRow[(x * 3) + 2] = pixel[third];
            }
        }
    }
}
