using SkiaSharp;

namespace Fleet.Inference.Imaging;

/// <summary>Turns a bitmap decoded as stored into the way EXIF says it should be shown.</summary>
internal static class EncodedOrientation
{
    /// <summary>The 5..8 origins store the picture on its side, so width and height swap.</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is
        SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>
    /// Returns <paramref name="stored"/> itself for <see cref="SKEncodedOrigin.TopLeft"/>, else a new upright bitmap
    /// (the caller disposes <paramref name="stored"/>).
    /// </summary>
    public static SKBitmap Apply(SKBitmap stored, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0)
        {
            return stored;
        }

        var (width, height) = SwapsAxes(origin) ? (stored.Height, stored.Width) : (stored.Width, stored.Height);
        var upright = new SKBitmap(stored.Info.WithSize(width, height));
        using var canvas = new SKCanvas(upright);
        canvas.SetMatrix(ToDisplayMatrix(origin, width, height));
        using var paint = new SKPaint { BlendMode = SKBlendMode.Src };

        // Whole-pixel moves only, so nearest sampling copies pixels exactly.
        canvas.DrawBitmap(stored, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), paint);
        canvas.Flush();
        return upright;
    }

    /// <summary>
    /// Maps stored pixel coordinates to display coordinates; <paramref name="width"/> and <paramref name="height"/>
    /// are the display size. The same table as Skia's SkEncodedOriginToMatrix.
    /// </summary>
    internal static SKMatrix ToDisplayMatrix(SKEncodedOrigin origin, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, width, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, height, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, width, -1, 0, height, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
