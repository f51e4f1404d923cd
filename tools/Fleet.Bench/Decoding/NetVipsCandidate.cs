using Fleet.Inference.Imaging;
using NetVips;

namespace Fleet.Bench.Decoding;

/// <summary>libvips through NetVips: thumbnail with JPEG shrink-on-load to the exact resized size, then crop.</summary>
internal sealed class NetVipsCandidate : IDecodeCandidate
{
    private readonly Normaliser _normaliser;
    private readonly int _resizeShorterSide;

    public NetVipsCandidate(Normaliser normaliser, int resizeShorterSide)
    {
        _normaliser = normaliser;
        _resizeShorterSide = resizeShorterSide;
        // One thread per image, like the other candidates; no operation cache (every photo is new).
        NetVips.NetVips.Concurrency = 1;
        Cache.Max = 0;
    }

    public string Name => "netvips";

    public void Write(byte[] encoded, float[] batch, int index)
    {
        int width, height;
        using (var header = Image.NewFromBuffer(encoded, access: Enums.Access.Sequential))
        {
            (width, height) = (header.Width, header.Height);
        }
        var size = ImagePreprocessor.ResizedSize(width, height, _resizeShorterSide);
        var origin = ImagePreprocessor.CropOrigin(size.Width, size.Height, _normaliser.Crop);
        using var thumbnail = Image.ThumbnailBuffer(encoded, size.Width, height: size.Height, size: Enums.Size.Force, noRotate: false);
        using var cropped = thumbnail.ExtractArea(origin.X, origin.Y, _normaliser.Crop, _normaliser.Crop);
        using var rgb = cropped.Bands >= 3 ? cropped.ExtractBand(0, 3) : cropped.Colourspace(Enums.Interpretation.Srgb);
        var pixels = rgb.WriteToMemory<byte>();
        _normaliser.Write(pixels, _normaliser.Crop * 3, 3, batch.AsSpan(index * _normaliser.ImageLength, _normaliser.ImageLength));
    }
}
