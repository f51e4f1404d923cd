using Fleet.Models;

namespace Fleet.Bench.Decoding;

/// <summary>Interleaved 8-bit pixels of a crop into the catalog's normalised planes (the same formula as ImagePreprocessor).</summary>
internal sealed class Normaliser(PreprocessingSpec spec)
{
    public int Crop => spec.CropSize;

    public int ImageLength => 3 * spec.CropSize * spec.CropSize;

    /// <summary>Rows of <paramref name="pixels"/> are <paramref name="stride"/> bytes; pixel (x, y) of the crop starts at y * stride + x * channels.</summary>
    public void Write(ReadOnlySpan<byte> pixels, int stride, int channels, Span<float> target)
    {
        var crop = spec.CropSize;
        var plane = crop * crop;
        for (var y = 0; y < crop; y++)
        {
            var row = pixels.Slice(y * stride, crop * channels);
            for (var x = 0; x < crop; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var channel = spec.IsBgr ? 2 - c : c;
                    target[(c * plane) + (y * crop) + x] = ((row[(x * channels) + channel] / spec.Scale) - spec.Mean[channel]) / spec.Std[channel];
                }
            }
        }
    }
}
