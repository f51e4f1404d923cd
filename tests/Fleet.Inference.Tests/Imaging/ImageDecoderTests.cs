using Fleet.Inference.Imaging;
using Fleet.Inference.Tests.Support;
using SkiaSharp;
using static Fleet.Inference.Tests.Support.TestImages;

namespace Fleet.Inference.Tests.Imaging;

public sealed class ImageDecoderTests
{
    // JPEG blurs colour edges (4:2:0 chroma) and rounds; quadrant centres stay close.
    private const int JpegTolerance = 12;

    [Fact]
    public void Jpeg_decodes_to_rgba_with_the_colours_in_place()
    {
        using var source = Quadrants(64, 48);
        using var decoded = ImageDecoder.Decode(Encode(source, SKEncodedImageFormat.Jpeg));

        Assert.Equal((64, 48), (decoded.Width, decoded.Height));
        Assert.Equal(SKColorType.Rgba8888, decoded.ColorType);
        AssertQuadrants(decoded, [Red, Green, Blue, White], JpegTolerance);
    }

    [Fact]
    public void Png_decodes_exactly()
    {
        using var source = Quadrants(30, 20);
        using var decoded = ImageDecoder.Decode(Encode(source, SKEncodedImageFormat.Png));

        Assert.Equal((30, 20), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded, [Red, Green, Blue, White], tolerance: 0);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, 2)]
    [InlineData(SKEncodedImageFormat.Png, 0)]
    public void Grayscale_becomes_equal_rgb(SKEncodedImageFormat format, int tolerance)
    {
        using var gray = Gray(20, 10, 77);
        var encoded = Encode(gray, format);
        using (var codec = SKCodec.Create(SKData.CreateCopy(encoded)))
        {
            Assert.Equal(SKColorType.Gray8, codec.Info.ColorType); // really a one-channel file
        }

        using var decoded = ImageDecoder.Decode(encoded);

        var pixel = decoded.GetPixel(10, 5);
        Assert.Equal(pixel.Red, pixel.Green);
        Assert.Equal(pixel.Green, pixel.Blue);
        Assert.InRange(pixel.Red, 77 - tolerance, 77 + tolerance);
    }

    [Fact]
    public void Cmyk_jpeg_becomes_rgb()
    {
        // ImageMagick's 4-channel Adobe JPEG (YCCK-coded CMYK) of red, green, blue and yellow quadrants.
        var encoded = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "ycck-quadrants-64x48.jpg"));
        using (var codec = SKCodec.Create(SKData.CreateCopy(encoded)))
        {
            Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
        }

        using var decoded = ImageDecoder.Decode(encoded);

        Assert.Equal((64, 48), (decoded.Width, decoded.Height));

        // CMYK -> RGB is approximate; what matters is that no channel is inverted or swapped.
        AssertQuadrants(decoded, [Red, Green, Blue, new SKColor(255, 255, 0)], tolerance: 48);
    }

    [Fact]
    public void Palette_png_with_transparency_is_composited_on_black()
    {
        // Index 0 opaque red, 1 half-transparent green, 2 fully transparent white.
        byte[] indices = [0, 1, 2, 0];
        var png = HandWrittenImages.PalettePng(2, 2, indices, [(255, 0, 0), (0, 255, 0), (255, 255, 255)], alpha: [255, 128, 0]);

        using var decoded = ImageDecoder.Decode(png);

        var pixels = decoded.GetPixelSpan().ToArray();
        Assert.Equal([255, 0, 0, 255], pixels[0..4]);
        Assert.Equal([0, 128, 0, 128], pixels[4..8]); // premultiplied: green at half strength
        Assert.Equal([0, 0, 0, 0], pixels[8..12]);    // the hidden white does not leak
    }

    [Fact]
    public void Webp_and_bmp_decode()
    {
        using var source = Quadrants(16, 8);
        using var webp = ImageDecoder.Decode(Encode(source, SKEncodedImageFormat.Webp, quality: 100));
        AssertQuadrants(webp, [Red, Green, Blue, White], JpegTolerance);

        var rgb = new byte[16 * 8 * 3];
        for (var i = 0; i < 16 * 8; i++)
        {
            var colour = source.GetPixel(i % 16, i / 16);
            (rgb[i * 3], rgb[(i * 3) + 1], rgb[(i * 3) + 2]) = (colour.Red, colour.Green, colour.Blue);
        }

        using var bmp = ImageDecoder.Decode(HandWrittenImages.Bmp(16, 8, rgb));
        AssertQuadrants(bmp, [Red, Green, Blue, White], tolerance: 0);
    }

    // Stored: red top-left, green top-right, blue bottom-left, white bottom-right. Expected is what a viewer
    // shows (top-left, top-right, bottom-left, bottom-right), from the EXIF definition of each orientation.
    [Theory]
    [InlineData(1, "RGBW")]
    [InlineData(2, "GRWB")]
    [InlineData(3, "WBGR")]
    [InlineData(4, "BWRG")]
    [InlineData(5, "RBGW")]
    [InlineData(6, "BRWG")]
    [InlineData(7, "WGBR")]
    [InlineData(8, "GWRB")]
    public void Exif_orientation_is_applied(ushort orientation, string expectedCorners)
    {
        using var stored = Quadrants(48, 32);
        var jpeg = ExifJpeg.WithOrientation(Encode(stored, SKEncodedImageFormat.Jpeg), orientation);

        using var decoded = ImageDecoder.Decode(jpeg);

        var sideways = orientation >= 5;
        Assert.Equal(sideways ? (32, 48) : (48, 32), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded, [.. expectedCorners.Select(ColourOf)], JpegTolerance);
    }

    [Theory]
    [InlineData(0, 1024, 768)]   // no hint: full size
    [InlineData(256, 384, 288)]  // 3/8 is the smallest step that keeps 256
    [InlineData(192, 256, 192)]  // 2/8 keeps exactly 192
    [InlineData(800, 1024, 768)] // no step keeps 800
    public void Large_jpeg_decodes_at_the_smallest_libjpeg_scale_that_keeps_the_target(int target, int width, int height)
    {
        using var source = Quadrants(1024, 768);
        var jpeg = Encode(source, SKEncodedImageFormat.Jpeg, quality: 80);

        using var decoded = ImageDecoder.Decode(jpeg, target);

        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded, [Red, Green, Blue, White], JpegTolerance);
    }

    [Fact]
    public void The_scale_hint_is_ignored_for_png()
    {
        using var source = Quadrants(1024, 768);
        using var decoded = ImageDecoder.Decode(Encode(source, SKEncodedImageFormat.Png), 256);

        Assert.Equal((1024, 768), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Decodes_from_a_non_seekable_stream()
    {
        using var source = Quadrants(20, 20);
        using var stream = new ForwardOnlyStream(Encode(source, SKEncodedImageFormat.Png));

        using var decoded = ImageDecoder.Decode(stream);

        AssertQuadrants(decoded, [Red, Green, Blue, White], tolerance: 0);
    }

    [Fact]
    public void Empty_input_is_rejected()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(ReadOnlyMemory<byte>.Empty));
        Assert.Equal("empty image (0 bytes)", ex.Message);
    }

    [Fact]
    public void Garbage_is_not_a_supported_image()
    {
        var garbage = new byte[42];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x00;

        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(garbage));

        Assert.Equal("not a supported image (42 bytes)", ex.Message);
    }

    [Fact]
    public void Truncated_jpeg_is_an_error_not_a_half_grey_picture()
    {
        using var source = Quadrants(256, 256);
        var jpeg = Encode(source, SKEncodedImageFormat.Jpeg);
        var truncated = jpeg[..(jpeg.Length * 2 / 3)];

        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated));

        Assert.Equal($"truncated JPEG ({truncated.Length} bytes)", ex.Message);
    }

    [Fact]
    public void Jpeg_cut_inside_its_header_is_named()
    {
        using var source = Quadrants(64, 64);
        var header = Encode(source, SKEncodedImageFormat.Jpeg)[..40];

        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(header));

        Assert.Equal("corrupt or truncated JPEG header (40 bytes)", ex.Message);
    }

    [Fact]
    public void Truncated_png_is_an_error()
    {
        using var source = FromFunction(128, 128, (x, y) => new SKColor((byte)x, (byte)y, (byte)(x ^ y)));
        var png = Encode(source, SKEncodedImageFormat.Png);
        var truncated = png[..(png.Length / 2)];

        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated));

        Assert.StartsWith("truncated PNG", ex.Message);
    }

    private static SKColor ColourOf(char letter) => letter switch
    {
        'R' => Red,
        'G' => Green,
        'B' => Blue,
        'W' => White,
        _ => throw new ArgumentOutOfRangeException(nameof(letter)),
    };

    /// <summary>Checks the centre of each quadrant: top-left, top-right, bottom-left, bottom-right.</summary>
    private static void AssertQuadrants(SKBitmap bitmap, SKColor[] expected, int tolerance)
    {
        var (w, h) = (bitmap.Width, bitmap.Height);
        (int X, int Y, string Name)[] centres = [(w / 4, h / 4, "top-left"), (3 * w / 4, h / 4, "top-right"), (w / 4, 3 * h / 4, "bottom-left"), (3 * w / 4, 3 * h / 4, "bottom-right")];
        for (var i = 0; i < 4; i++)
        {
            AssertNear(expected[i], bitmap.GetPixel(centres[i].X, centres[i].Y), tolerance, centres[i].Name);
        }
    }

    /// <summary>A stream that cannot seek or report its length, like a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
