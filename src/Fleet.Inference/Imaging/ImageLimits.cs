namespace Fleet.Inference.Imaging;

/// <summary>
/// The largest image Fleet decodes, checked from the header before any pixel is allocated; bound from <c>Fleet:Limits</c>
/// (the same section as the storage's byte limit). A header over any limit is an <see cref="ImageTooLargeException"/>.
/// </summary>
public sealed record ImageLimits
{
    public const string SectionName = "Fleet:Limits";

    public static ImageLimits Default { get; } = new();

    /// <summary>Declared width in pixels (30,000: wider than any camera; a stitched panorama is cut down first).</summary>
    public int MaxWidth { get; set; } = 30_000;

    /// <summary>Declared height in pixels.</summary>
    public int MaxHeight { get; set; } = 30_000;

    /// <summary>
    /// Declared pixels (50 million, 200 MB as RGBA: above a 45-megapixel camera). Checked on the declared size, not the
    /// reduced JPEG decode size, because libjpeg allocates a progressive JPEG's coefficients for the whole declared image.
    /// </summary>
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>Longer side over shorter side (50): a thinner image is noise to a classifier and a trap for the resize.</summary>
    public double MaxAspectRatio { get; set; } = 50;

    /// <summary>Why an image of the declared size is refused, or null when it is within every limit.</summary>
    public string? Problem(int width, int height)
    {
        if (width > MaxWidth)
            return $"width {width} is over the limit of {MaxWidth}";
        if (height > MaxHeight)
            return $"height {height} is over the limit of {MaxHeight}";
        if ((long)width * height > MaxPixels)
            return $"{width}x{height} is {(long)width * height} pixels, over the limit of {MaxPixels}";
        if (width > 0 && height > 0 && (double)Math.Max(width, height) / Math.Min(width, height) > MaxAspectRatio)
            return $"{width}x{height} has an aspect ratio over the limit of {MaxAspectRatio}";
        return null;
    }
}
