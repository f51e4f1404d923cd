using SkiaSharp;

namespace Fleet.Inference.Imaging;

/// <summary>
/// A bitmap holding an image's centre crop at <see cref="Origin"/>, and the intermediate bitmaps made to get there
/// (a colour conversion, a resize), which go when the crop has been written.
/// </summary>
internal readonly struct ResizedCrop(SKBitmap bitmap, SKPointI origin, SKBitmap? converted, SKBitmap? resized) : IDisposable
{
    public SKBitmap Bitmap { get; } = bitmap;

    public SKPointI Origin { get; } = origin;

    public void Dispose()
    {
        resized?.Dispose();
        converted?.Dispose();
    }
}
