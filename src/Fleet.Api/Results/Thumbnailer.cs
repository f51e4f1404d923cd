using SkiaSharp;

namespace Fleet.Api.Results;

/// <summary>
/// A small JPEG of a photo for the results page, made on the server so the browser never gets the photo's own URI (or
/// a SAS for it). The size is checked from the header before any pixel is allocated; a large JPEG is decoded at the
/// smallest libjpeg 1/8 step still bigger than the thumbnail, so a 20-megapixel photo costs a fraction of a full decode.
/// No EXIF rotation (the labels were made from the upright picture, the thumbnail shows the stored one).
/// </summary>
public sealed class Thumbnailer(int size, long maxPixels)
{
    public byte[] Render(ReadOnlySpan<byte> encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("not an image Fleet can decode");
        var declared = codec.Info;
        if ((long)declared.Width * declared.Height > maxPixels)
            throw new InvalidDataException($"{declared.Width}x{declared.Height} is over the pixel limit ({maxPixels})");
        var decoded = declared.Size;
        for (var eighths = 1; eighths < 8 && codec.EncodedFormat == SKEncodedImageFormat.Jpeg; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Max(scaled.Width, scaled.Height) >= size)
            {
                decoded = scaled;
                break;
            }
        }
        using var bitmap = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"the image cannot be decoded ({result})");
        var k = Math.Min(1.0, size / (double)Math.Max(decoded.Width, decoded.Height));
        var target = new SKImageInfo(Math.Max(1, (int)Math.Round(decoded.Width * k)), Math.Max(1, (int)Math.Round(decoded.Height * k)), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var resized = bitmap.Resize(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) ?? throw new InvalidDataException("the image cannot be resized");
        using var image = SKImage.FromBitmap(resized);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 82);
        return jpeg.ToArray();
    }
}
