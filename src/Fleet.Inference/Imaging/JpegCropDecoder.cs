using Fleet.Models;
using SkiaSharp;

namespace Fleet.Inference.Imaging;

/// <summary>
/// Decodes only the part of a JPEG that lands in the centre crop, and resizes only the crop: the fast path of
/// <see cref="ImagePreprocessor"/> for the common photo. The crop's pixels are bit-identical to the full decode's.
/// </summary>
/// <remarks>
/// Why: for a 500x375 photo the centre crop covers 328x328 source pixels, 57 % of the image. libjpeg-turbo skips the
/// IDCT and colour conversion of the columns outside (<c>jpeg_crop_scanline</c>, Skia's x subset) and of the rows above
/// (<c>jpeg_skip_scanlines</c>), and stops after the last row needed; the resize then fills 224x224 pixels instead of
/// 341x256. Decode and resize together went from 3.8 to 2.5 ms a photo on this machine (docs/benchmarks.md).
/// Anything unusual (not a JPEG, an EXIF rotation, a truncated or odd file, a resize that needs mipmaps) returns null
/// and takes the full path, which decodes every pixel and reports errors as before.
/// </remarks>
internal static class JpegCropDecoder
{
    /// <summary>
    /// The resized bitmap whose crop (and only that) is drawn, as <paramref name="spec"/> says, or null when the full path
    /// must decode this image instead.
    /// </summary>
    public static ResizedCrop? TryDecodeCrop(ReadOnlyMemory<byte> encoded, PreprocessingSpec spec, ImageLimits limits, SKSamplingOptions? sampling)
    {
        // A file that does not end in EOI is truncated (or carries trailing bytes): the full decode says which, and a
        // truncated photo must be an error row even when the missing part lies below the crop.
        if (!IsCompleteJpeg(encoded.Span))
            return null;

        using var data = SKData.CreateCopy(encoded.Span);
        using var codec = SKCodec.Create(data);
        if (codec is null
            || codec.EncodedFormat != SKEncodedImageFormat.Jpeg
            || codec.EncodedOrigin != SKEncodedOrigin.TopLeft
            || limits.Problem(codec.Info.Width, codec.Info.Height) is not null)
        {
            return null;
        }

        var decoded = ImageDecoder.ChooseDecodeSize(codec, spec.ResizeShorterSide);
        var resized = ImagePreprocessor.ResizedSize(decoded.Width, decoded.Height, spec.ResizeShorterSide);
        var filter = sampling ?? ImagePreprocessor.SamplingFor(decoded.Width, resized.Width);
        // Mip levels built from a window differ from the whole image's, and an elongated image has the full path's
        // own window resize: both rare cases take the full path.
        if (filter.UseCubic || filter.Mipmap != SKMipmapMode.None || decoded.Width <= 0 || decoded.Height <= 0
            || ImagePreprocessor.IsStrip(resized, spec.ResizeShorterSide))
        {
            return null;
        }

        var crop = spec.CropSize;
        var origin = ImagePreprocessor.CropOrigin(resized.Width, resized.Height, crop);
        var window = ImagePreprocessor.CropSourceWindow(decoded, resized, crop);

        // The decoded picture at its full size, of which only the window is ever written or read: the resize below
        // is then the full pipeline's own (same shader, same matrix, same device pixels), so the crop is bit-identical.
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var subset = new SKCodecOptions(new SKRectI(window.Left, 0, window.Right, decoded.Height));
        if (codec.StartScanlineDecode(info, subset) != SKCodecResult.Success || codec.ScanlineOrder != SKCodecScanlineOrder.TopDown)
            return null;

        using var source = new SKBitmap(info);
        var windowStart = source.GetPixels();
        if (windowStart == IntPtr.Zero
            || (window.Top > 0 && !codec.SkipScanlines(window.Top))
            || codec.GetScanlines(windowStart + (window.Top * source.RowBytes) + (window.Left * 4), window.Height, source.RowBytes) != window.Height)
        {
            return null;
        }

        var target = new SKBitmap(info.WithSize(resized.Width, resized.Height));
        try
        {
            // SKBitmap.Resize is this draw (SkPixmap::scalePixels) over every target pixel; here only the crop's.
            using var canvas = new SKCanvas(target);
            using var image = SKImage.FromPixels(source.PeekPixels());
            using var shader = image.ToShader(SKShaderTileMode.Clamp, SKShaderTileMode.Clamp, filter,
                SKMatrix.CreateScale((float)resized.Width / decoded.Width, (float)resized.Height / decoded.Height));
            using var paint = new SKPaint { BlendMode = SKBlendMode.Src, Shader = shader };
            canvas.ClipRect(SKRect.Create(origin.X, origin.Y, crop, crop));
            canvas.DrawPaint(paint);
            return new ResizedCrop(target, origin, converted: null, resized: target);
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static bool IsCompleteJpeg(ReadOnlySpan<byte> bytes) =>
        bytes is [0xFF, 0xD8, 0xFF, .., 0xFF, 0xD9];
}
