using Fleet.Inference.Imaging;
using Fleet.Models;
using Fleet.Inference.Tests.Support;
using SkiaSharp;

namespace Fleet.Inference.Tests.Imaging;

public sealed class ImagePreprocessorTests
{
    // Distinct per channel so a swapped plane or statistic shows.
    private static readonly PreprocessingSpec TinySpec = new()
    {
        ResizeShorterSide = 4,
        CropSize = 2,
        Scale = 255f,
        Mean = [0.5f, 0.25f, 0.125f],
        Std = [0.2f, 0.4f, 0.8f],
        ChannelOrder = "RGB",
        Layout = "NCHW",
    };

    [Fact]
    public void Crop_and_normalise_match_the_formula_when_no_resize_is_needed()
    {
        // 4x4: no resize (shorter side is already 4); the 2x2 centre crop starts at (1, 1).
        using var image = TestImages.FromFunction(4, 4, Colour);
        var preprocessor = new ImagePreprocessor(TinySpec);
        var tensor = new float[preprocessor.ImageLength];

        preprocessor.Write(image, tensor, 0);

        Assert.Equal(12, preprocessor.ImageLength);
        var expected = new float[12];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 2; y++)
            {
                for (var x = 0; x < 2; x++)
                {
                    var pixel = Colour(x + 1, y + 1);
                    var value = c switch { 0 => pixel.Red, 1 => pixel.Green, _ => pixel.Blue };
                    expected[(c * 4) + (y * 2) + x] = ((value / 255f) - TinySpec.Mean[c]) / TinySpec.Std[c];
                }
            }
        }

        Assert.Equal(expected, tensor, new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Bgr_spec_puts_blue_in_the_first_plane_with_blue_statistics()
    {
        using var image = TestImages.FromFunction(4, 4, Colour);
        var rgb = new float[12];
        var bgr = new float[12];

        new ImagePreprocessor(TinySpec).Write(image, rgb, 0);
        new ImagePreprocessor(TinySpec with { ChannelOrder = "BGR" }).Write(image, bgr, 0);

        Assert.Equal(rgb[8..12], bgr[0..4]);
        Assert.Equal(rgb[4..8], bgr[4..8]);
        Assert.Equal(rgb[0..4], bgr[8..12]);
    }

    [Fact]
    public void Writes_only_its_own_slot_of_the_batch()
    {
        using var image = TestImages.FromFunction(4, 4, Colour);
        var preprocessor = new ImagePreprocessor(TinySpec);
        var batch = Enumerable.Repeat(float.NaN, 3 * preprocessor.ImageLength).ToArray();

        preprocessor.Write(image, batch, 1);

        Assert.All(batch[..12], v => Assert.True(float.IsNaN(v)));
        Assert.All(batch[12..24], v => Assert.False(float.IsNaN(v)));
        Assert.All(batch[24..], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Downscale_of_uniform_blocks_keeps_the_block_colours()
    {
        // 8x8 of 2x2 blocks, each its own colour, halved to 4x4 (and a 4x4 crop: the whole picture).
        var spec = TinySpec with { ResizeShorterSide = 4, CropSize = 4 };
        using var image = TestImages.FromFunction(8, 8, (x, y) => BlockColour(x / 2, y / 2));
        var preprocessor = new ImagePreprocessor(spec);
        var tensor = new float[preprocessor.ImageLength];

        preprocessor.Write(image, tensor, 0);

        var tolerancePerChannel = new[] { 2f / 255 / spec.Std[0], 2f / 255 / spec.Std[1], 2f / 255 / spec.Std[2] };
        for (var by = 0; by < 4; by++)
        {
            for (var bx = 0; bx < 4; bx++)
            {
                var colour = BlockColour(bx, by);
                byte[] channels = [colour.Red, colour.Green, colour.Blue];
                for (var c = 0; c < 3; c++)
                {
                    var expected = ((channels[c] / 255f) - spec.Mean[c]) / spec.Std[c];
                    var actual = tensor[(c * 16) + (by * 4) + bx];
                    Assert.True(Math.Abs(expected - actual) <= tolerancePerChannel[c], $"block ({bx},{by}) channel {c}: expected {expected}, got {actual}");
                }
            }
        }
    }

    [Theory]
    [InlineData(6, 4, 2, 1)] // (6-2)/2 = 2
    [InlineData(7, 4, 2, 1)] // (7-2)/2 = 2.5 rounds to even: 2, like Python's round
    [InlineData(9, 4, 4, 1)] // 3.5 rounds to even: 4
    [InlineData(4, 7, 1, 2)] // portrait: 2.5 -> 2 vertically
    public void Centre_crop_of_a_non_square_image_uses_torchvision_rounding(int width, int height, int left, int top)
    {
        using var image = TestImages.FromFunction(width, height, Colour);
        var preprocessor = new ImagePreprocessor(TinySpec);
        var tensor = new float[preprocessor.ImageLength];

        preprocessor.Write(image, tensor, 0);

        Assert.Equal(new SKPointI(left, top), ImagePreprocessor.CropOrigin(width, height, 2));
        var expectedRed = ((Colour(left, top).Red / 255f) - TinySpec.Mean[0]) / TinySpec.Std[0];
        Assert.Equal(expectedRed, tensor[0], 6);
        var expectedLastBlue = ((Colour(left + 1, top + 1).Blue / 255f) - TinySpec.Mean[2]) / TinySpec.Std[2];
        Assert.Equal(expectedLastBlue, tensor[11], 6);
    }

    [Theory]
    [InlineData(500, 375, 341, 256)]
    [InlineData(375, 500, 256, 341)]
    [InlineData(256, 256, 256, 256)]
    [InlineData(257, 1000, 256, 996)]
    [InlineData(1000, 10, 25600, 256)]
    public void Resize_keeps_the_aspect_like_torchvision(int width, int height, int expectedWidth, int expectedHeight) =>
        Assert.Equal(new SKSizeI(expectedWidth, expectedHeight), ImagePreprocessor.ResizedSize(width, height, 256));

    [Theory]
    [InlineData(341, 341, false)]
    [InlineData(512, 256, false)]
    [InlineData(513, 256, true)]
    [InlineData(4000, 341, true)]
    public void Mipmaps_only_for_a_resize_that_shrinks_more_than_twice(int sourceWidth, int targetWidth, bool mipmaps) =>
        Assert.Equal(mipmaps ? SKMipmapMode.Linear : SKMipmapMode.None, ImagePreprocessor.SamplingFor(sourceWidth, targetWidth).Mipmap);

    [Fact]
    public void Catalog_spec_crops_224_from_a_typical_photo()
    {
        Assert.Equal(new SKPointI(58, 16), ImagePreprocessor.CropOrigin(341, 256, 224));
        Assert.Equal(new SKPointI(16, 58), ImagePreprocessor.CropOrigin(256, 341, 224));
    }

    [Fact]
    public void Bgra_bitmaps_read_the_right_bytes()
    {
        using var rgba = TestImages.FromFunction(4, 4, Colour);
        using var bgra = rgba.Copy(SKColorType.Bgra8888);
        var fromRgba = new float[12];
        var fromBgra = new float[12];

        new ImagePreprocessor(TinySpec).Write(rgba, fromRgba, 0);
        new ImagePreprocessor(TinySpec).Write(bgra, fromBgra, 0);

        Assert.Equal(fromRgba, fromBgra);
    }

    [Fact]
    public void A_spec_that_cannot_work_is_rejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => new ImagePreprocessor(TinySpec with { CropSize = 8, Layout = "NHWC" }));

        Assert.Contains("resizeShorterSide (4) must be at least cropSize (8)", ex.Message);
        Assert.Contains("layout must be NCHW", ex.Message);
    }

    private static SKColor Colour(int x, int y) => new((byte)((x * 40) + 10), (byte)((y * 50) + 5), (byte)(200 - (x * 20) - (y * 7)));

    private static SKColor BlockColour(int bx, int by) => new((byte)(bx * 60), (byte)(by * 70), (byte)(255 - (bx * 30) - (by * 20)));

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
