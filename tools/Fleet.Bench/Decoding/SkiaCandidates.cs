using Fleet.Inference.Imaging;

namespace Fleet.Bench.Decoding;

/// <summary>The engine's path: SkiaSharp, JPEG decoded at the smallest libjpeg scale that keeps a downscale (ImagePreprocessor).</summary>
internal sealed class SkiaScaledCandidate(ImagePreprocessor preprocessor) : IDecodeCandidate
{
    public string Name => "skiasharp-scaled";

    public void Write(byte[] encoded, float[] batch, int index) => preprocessor.Write(encoded, batch, index);
}

/// <summary>SkiaSharp with a full-size decode, then the same resize: what the scaled decode saves.</summary>
internal sealed class SkiaFullCandidate(ImagePreprocessor preprocessor) : IDecodeCandidate
{
    public string Name => "skiasharp-full";

    public void Write(byte[] encoded, float[] batch, int index)
    {
        using var image = ImageDecoder.Decode(encoded, targetShorterSide: 0);
        preprocessor.Write(image, batch, index);
    }
}
