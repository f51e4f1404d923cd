using Fleet.Inference.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Fleet.Bench.Decoding;

/// <summary>SixLabors.ImageSharp 2.1 (managed): full decode (2.x has no scaled JPEG decode), bilinear resize, crop.</summary>
internal sealed class ImageSharpCandidate(Normaliser normaliser, int resizeShorterSide) : IDecodeCandidate
{
    public string Name => "imagesharp";

    public void Write(byte[] encoded, float[] batch, int index)
    {
        using var image = Image.Load<Rgb24>(encoded);
        image.Mutate(x => x.AutoOrient());
        var size = ImagePreprocessor.ResizedSize(image.Width, image.Height, resizeShorterSide);
        var origin = ImagePreprocessor.CropOrigin(size.Width, size.Height, normaliser.Crop);
        image.Mutate(x => x
            .Resize(size.Width, size.Height, KnownResamplers.Triangle)
            .Crop(new Rectangle(origin.X, origin.Y, normaliser.Crop, normaliser.Crop)));
        var pixels = new byte[normaliser.Crop * normaliser.Crop * 3];
        image.CopyPixelDataTo(pixels);
        normaliser.Write(pixels, normaliser.Crop * 3, 3, batch.AsSpan(index * normaliser.ImageLength, normaliser.ImageLength));
    }
}
