using SkiaSharp;

namespace Fleet.Inference.Tests.Support;

/// <summary>Small synthetic pictures made in code, so no photo has to be committed.</summary>
internal static class TestImages
{
    public static readonly SKColor Red = new(255, 0, 0);
    public static readonly SKColor Green = new(0, 255, 0);
    public static readonly SKColor Blue = new(0, 0, 255);
    public static readonly SKColor White = new(255, 255, 255);

    /// <summary>Four flat quadrants: red top-left, green top-right, blue bottom-left, white bottom-right.</summary>
    public static SKBitmap Quadrants(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        var (halfWidth, halfHeight) = (width / 2, height / 2);
        Fill(canvas, Red, SKRectI.Create(0, 0, halfWidth, halfHeight));
        Fill(canvas, Green, SKRectI.Create(halfWidth, 0, width - halfWidth, halfHeight));
        Fill(canvas, Blue, SKRectI.Create(0, halfHeight, halfWidth, height - halfHeight));
        Fill(canvas, White, SKRectI.Create(halfWidth, halfHeight, width - halfWidth, height - halfHeight));
        canvas.Flush();
        return bitmap;
    }

    /// <summary>A bitmap whose pixel (x, y) is <paramref name="colour"/>(x, y).</summary>
    public static SKBitmap FromFunction(int width, int height, Func<int, int, SKColor> colour)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, colour(x, y));
            }
        }

        return bitmap;
    }

    public static SKBitmap Gray(int width, int height, byte value)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(value, value, value));
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using var data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"Skia cannot encode {bitmap.ColorType} as {format}.");
        return data.ToArray();
    }

    private static void Fill(SKCanvas canvas, SKColor colour, SKRectI area)
    {
        using var paint = new SKPaint { Color = colour, BlendMode = SKBlendMode.Src, IsAntialias = false };
        canvas.DrawRect(area, paint);
    }

    /// <summary>True when every channel of <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static bool Near(SKColor actual, SKColor expected, int tolerance) =>
        Math.Abs(actual.Red - expected.Red) <= tolerance
        && Math.Abs(actual.Green - expected.Green) <= tolerance
        && Math.Abs(actual.Blue - expected.Blue) <= tolerance;

    public static void AssertNear(SKColor expected, SKColor actual, int tolerance, string where) =>
        Assert.True(Near(actual, expected, tolerance), $"{where}: expected {expected}, got {actual} (tolerance {tolerance})");
}
