using Fleet.Inference.Imaging;
using Fleet.Inference.Tests.Support;
using Fleet.Models;
using SkiaSharp;

namespace Fleet.Inference.Tests.Imaging;

/// <summary>
/// The crop-window JPEG decode (the preprocessor's fast path) must give exactly the tensor the full decode gives, and
/// must step aside for every file it cannot handle the same way.
/// </summary>
public sealed class JpegCropDecoderTests
{
    // The ImageNet geometry with identity statistics, so a tensor value x 255 is a pixel level.
    private static readonly PreprocessingSpec Levels = new()
    {
        ResizeShorterSide = 256,
        CropSize = 224,
        Scale = 255f,
        Mean = [0f, 0f, 0f],
        Std = [1f, 1f, 1f],
        ChannelOrder = "RGB",
        Layout = "NCHW",
    };

    [Theory]
    [InlineData(500, 375)] // the typical ImageNet photo: full-scale decode, crop window 328x328
    [InlineData(375, 500)]
    [InlineData(2000, 1500)] // decoded at a reduced libjpeg scale (2/8), window in scaled pixels
    [InlineData(1152, 864)] // 3/8 scale
    [InlineData(256, 256)] // no resize at all
    [InlineData(120, 90)] // upscaled
    [InlineData(1000, 300)] // wide: the window is a narrow part of the strip
    public void Crop_window_decode_gives_the_full_decodes_tensor(int width, int height)
    {
        var jpeg = Photo(width, height);
        var preprocessor = new ImagePreprocessor(Levels);

        using (var crop = JpegCropDecoder.TryDecodeCrop(jpeg, Levels, ImageLimits.Default, sampling: null))
            Assert.NotNull(crop); // the fast path is taken, so the comparison below tests it

        Assert.Equal(FullDecode(preprocessor, jpeg), FastPath(preprocessor, jpeg));
    }

    [Fact]
    public void On_the_sample_photos_the_tensors_match_the_full_decode()
    {
        var preprocessor = new ImagePreprocessor(Levels);
        var fast = 0;
        foreach (var (path, _) in ImageNetSample.Load())
        {
            var jpeg = File.ReadAllBytes(path);
            using (var crop = JpegCropDecoder.TryDecodeCrop(jpeg, Levels, ImageLimits.Default, sampling: null))
                fast += crop is null ? 0 : 1;

            Assert.True(FullDecode(preprocessor, jpeg).AsSpan().SequenceEqual(FastPath(preprocessor, jpeg)), $"{Path.GetFileName(path)}: the tensors differ");
        }

        Assert.True(fast >= 95, $"only {fast} of 100 sample photos took the crop-window decode");
    }

    [Fact]
    public void A_jpeg_truncated_below_the_crop_is_still_an_error()
    {
        var jpeg = Photo(500, 375);
        var truncated = jpeg[..(jpeg.Length * 97 / 100)]; // the last rows, well below the crop window, are missing
        var preprocessor = new ImagePreprocessor(Levels);

        Assert.Null(JpegCropDecoder.TryDecodeCrop(truncated, Levels, ImageLimits.Default, sampling: null));
        var ex = Assert.Throws<ImageDecodeException>(() => preprocessor.Write(truncated, new float[preprocessor.ImageLength], 0));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void An_exif_rotated_jpeg_takes_the_full_path_and_comes_out_upright()
    {
        var rotated = ExifJpeg.WithOrientation(Photo(500, 375), orientation: 6);
        var preprocessor = new ImagePreprocessor(Levels);

        Assert.Null(JpegCropDecoder.TryDecodeCrop(rotated, Levels, ImageLimits.Default, sampling: null));
        Assert.Equal(FullDecode(preprocessor, rotated), FastPath(preprocessor, rotated));
    }

    [Fact]
    public void Other_formats_strips_and_oversized_headers_take_the_full_path()
    {
        using var bitmap = TestImages.Quadrants(300, 300);
        var png = TestImages.Encode(bitmap, SKEncodedImageFormat.Png);
        var jpeg = Photo(500, 375);

        Assert.Null(JpegCropDecoder.TryDecodeCrop(png, Levels, ImageLimits.Default, sampling: null));
        Assert.Null(JpegCropDecoder.TryDecodeCrop(Photo(2000, 300), Levels, ImageLimits.Default, sampling: null)); // the full path's strip window
        Assert.Null(JpegCropDecoder.TryDecodeCrop(jpeg, Levels, new ImageLimits { MaxWidth = 400 }, sampling: null));
        Assert.Throws<ImageTooLargeException>(() =>
            new ImagePreprocessor(Levels, new ImageLimits { MaxWidth = 400 }).Write(jpeg, new float[3 * 224 * 224], 0));
    }

    /// <summary>The preprocessor's own path from bytes (the crop-window decode where it applies).</summary>
    private static float[] FastPath(ImagePreprocessor preprocessor, byte[] jpeg)
    {
        var tensor = new float[preprocessor.ImageLength];
        preprocessor.Write(jpeg, tensor, 0);
        return tensor;
    }

    /// <summary>Every pixel decoded, then resized and cropped.</summary>
    private static float[] FullDecode(ImagePreprocessor preprocessor, byte[] jpeg)
    {
        var tensor = new float[preprocessor.ImageLength];
        using var decoded = ImageDecoder.Decode(jpeg, Levels.ResizeShorterSide);
        preprocessor.Write(decoded, tensor, 0);
        return tensor;
    }

    /// <summary>A photo-like JPEG: smooth gradients with fine texture, so a shifted window or wrong scale shows.</summary>
    private static byte[] Photo(int width, int height)
    {
        using var bitmap = TestImages.FromFunction(width, height, (x, y) => new SKColor(
            (byte)((x * 255 / width) ^ ((y * 7) & 0x1F)),
            (byte)((y * 255 / height) ^ ((x * 5) & 0x1F)),
            (byte)(128 + (int)(100 * Math.Sin((x + (2 * y)) / 9.0)))));
        return TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, quality: 90);
    }
}
