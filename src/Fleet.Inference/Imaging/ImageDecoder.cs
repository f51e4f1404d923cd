using SkiaSharp;

namespace Fleet.Inference.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF (first frame) and BMP into an upright <see cref="SKColorType.Rgba8888"/> bitmap.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>EXIF orientation is applied, so the bitmap is the picture as a viewer shows it.</item>
/// <item>Grayscale, palette, 16-bit and CMYK/YCCK sources all come out as 8-bit RGBA (gray: R = G = B).</item>
/// <item>Transparency is kept as premultiplied alpha, so the RGB values are the picture composited on black:
/// the hidden colour of fully transparent pixels never leaks into a label.</item>
/// <item>No colour management (no ICC conversion), like the PIL pipeline the classifiers were trained with.</item>
/// <item>A truncated file is an error, not a partly grey picture, because a half-decoded photo gets a wrong label.</item>
/// </list>
/// </remarks>
public static class ImageDecoder
{

    /// <summary>Decodes <paramref name="encoded"/>.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="targetShorterSide">
    /// The shorter side the caller will resize to, or 0. A large JPEG is then decoded at a reduced libjpeg scale
    /// (1/8 steps) whose shorter side is still at least this, which is much faster than a full decode.
    /// </param>
    /// <param name="limits">The largest declared size accepted (null: <see cref="ImageLimits.Default"/>), checked before any pixel is allocated.</param>
    /// <exception cref="ImageDecodeException">The bytes are empty, not an image, corrupt or truncated.</exception>
    /// <exception cref="ImageTooLargeException">The header declares a size over <paramref name="limits"/>.</exception>
    public static SKBitmap Decode(ReadOnlyMemory<byte> encoded, int targetShorterSide = 0, ImageLimits? limits = null)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("empty image (0 bytes)");
        }

        using var data = SKData.CreateCopy(encoded.Span);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodeException(DescribeUnreadable(encoded.Span));

        // The header alone, before anything is allocated by its declared size (libjpeg's progressive buffers included).
        var declared = codec.Info;
        if ((limits ?? ImageLimits.Default).Problem(declared.Width, declared.Height) is { } problem)
        {
            throw new ImageTooLargeException($"{FormatName(codec.EncodedFormat)} too large to decode: {problem}");
        }

        return Decode(codec, encoded.Length, targetShorterSide);
    }

    /// <inheritdoc cref="Decode(ReadOnlyMemory{byte}, int, ImageLimits)"/>
    public static SKBitmap Decode(Stream encoded, int targetShorterSide = 0, ImageLimits? limits = null)
    {
        if (encoded is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            var start = (int)memory.Position;
            return Decode(buffer.AsMemory(start, (int)memory.Length - start), targetShorterSide, limits);
        }

        using var copy = new MemoryStream();
        encoded.CopyTo(copy);
        return Decode(copy.GetBuffer().AsMemory(0, (int)copy.Length), targetShorterSide, limits);
    }

    /// <summary>The stored size a decode would produce before orientation (the libjpeg scale step for large JPEGs).</summary>
    internal static SKSizeI ChooseDecodeSize(SKCodec codec, int targetShorterSide)
    {
        var full = codec.Info.Size;
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg || targetShorterSide <= 0)
        {
            return full;
        }

        // libjpeg-turbo scales by n/8 inside the IDCT; take the smallest step that still leaves the
        // resize a downscale, so quality is the same and most of the decode work is skipped.
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Min(scaled.Width, scaled.Height) >= targetShorterSide)
            {
                return scaled;
            }
        }

        return full;
    }

    private static SKBitmap Decode(SKCodec codec, int length, int targetShorterSide)
    {
        var format = codec.EncodedFormat;
        var size = ChooseDecodeSize(codec, targetShorterSide);
        if (size.Width <= 0 || size.Height <= 0)
        {
            throw new ImageDecodeException($"{FormatName(format)} has no pixels ({size.Width}x{size.Height})");
        }

        var alphaType = codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;

        // No colour space on the target: Skia then skips colour management.
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, alphaType);
        var stored = new SKBitmap(info);
        try
        {
            if (stored.GetPixels() == IntPtr.Zero)
            {
                throw new ImageTooLargeException($"out of memory for a {size.Width}x{size.Height} {FormatName(format)}");
            }

            var result = codec.GetPixels(info, stored.GetPixels(), stored.RowBytes, SKCodecOptions.Default);
            if (result != SKCodecResult.Success)
            {
                throw new ImageDecodeException(DescribeFailure(result, format, length));
            }

            var upright = EncodedOrientation.Apply(stored, codec.EncodedOrigin);
            if (!ReferenceEquals(upright, stored))
            {
                stored.Dispose();
            }

            return upright;
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    private static string DescribeFailure(SKCodecResult result, SKEncodedImageFormat format, int length) => result switch
    {
        SKCodecResult.IncompleteInput => $"truncated {FormatName(format)} ({length} bytes)",
        SKCodecResult.ErrorInInput => $"corrupt {FormatName(format)} data ({length} bytes)",
        _ => $"cannot decode {FormatName(format)}: {result} ({length} bytes)",
    };

    /// <summary>Skia found no codec; name the format when the magic bytes say what it tried to be.</summary>
    private static string DescribeUnreadable(ReadOnlySpan<byte> bytes)
    {
        string? claimed = bytes switch
        {
            [0xFF, 0xD8, 0xFF, ..] => "JPEG",
            [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "PNG",
            [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "GIF",
            [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "WebP",
            _ => null,
        };
        return claimed is null
            ? $"not a supported image ({bytes.Length} bytes)"
            : $"corrupt or truncated {claimed} header ({bytes.Length} bytes)";
    }

    private static string FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Webp => "WebP",
        SKEncodedImageFormat.Gif => "GIF",
        SKEncodedImageFormat.Bmp => "BMP",
        _ => format.ToString(),
    };
}
