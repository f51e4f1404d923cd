using System.Diagnostics;
using Fleet.Inference.Classification;
using Fleet.Inference.Imaging;
using Fleet.Inference.Tests.Support;
using SkiaSharp;

namespace Fleet.Inference.Tests.Classification;

/// <summary>
/// Images that are valid but awkward are all labeled; hostile ones are each a failed result with a kind, within 2 s and
/// 200 MB each, and never fail their batch.
/// </summary>
[Collection(ClassifierCollection.Name)]
public sealed class HostileInputTests(ClassifierFixture fixture)
{
    private static byte[] SmallJpeg()
    {
        using var bitmap = TestImages.Quadrants(64, 48);
        return TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    public static TheoryData<string, byte[], string> Hostile() => new()
    {
        { "thin 100000x1 PNG", HostileImages.Png(100_000, 1), ImageErrorKinds.TooLarge },
        { "wide 40000x40 PNG", HostileImages.Png(40_000, 40), ImageErrorKinds.TooLarge },
        { "progressive JPEG claiming 16000x16000", HostileImages.JpegClaiming(SmallJpeg(), 16_000, 16_000, progressive: true), ImageErrorKinds.TooLarge },
        { "JPEG claiming 60000x60000", HostileImages.JpegClaiming(SmallJpeg(), 60_000, 60_000, progressive: false), ImageErrorKinds.TooLarge },
        { "PNG header claiming 1000000x1", HostileImages.PngHeaderOnly(1_000_000, 1), ImageErrorKinds.TooLarge },
        { "PNG header claiming 20000x20000", HostileImages.PngHeaderOnly(20_000, 20_000), ImageErrorKinds.TooLarge },
        { "empty", [], ImageErrorKinds.Decode },
        { "not an image", "#!/bin/sh\nrm -rf /\n"u8.ToArray(), ImageErrorKinds.Decode },
        { "truncated JPEG", SmallJpeg()[..200], ImageErrorKinds.Decode },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_image_is_a_failed_result_with_its_kind_within_2_s_and_200_MB(string name, byte[] image, string kind)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var result = fixture.Classifier.ClassifyEncoded([image])[0];

        clock.Stop();
        Assert.False(result.Succeeded, $"{name} was labeled");
        Assert.Equal(kind, result.ErrorKind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{name} took {clock.Elapsed}");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocated < 200_000_000, $"{name} allocated too much");
    }

    [Fact]
    public void A_thin_image_within_the_aspect_limit_is_labeled_from_its_crop_cheaply()
    {
        var clock = Stopwatch.StartNew();

        var result = fixture.Classifier.ClassifyEncoded([HostileImages.Png(12_000, 250)])[0];

        Assert.True(result.Succeeded, result.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Awkward_but_valid_images_are_all_labeled_and_hostile_ones_beside_them_do_not_fail_the_batch()
    {
        var jpeg = SmallJpeg();
        using var rgba = TestImages.FromFunction(40, 30, (x, y) => new SKColor((byte)(x * 6), (byte)(y * 8), 90, (byte)(x * 6)));
        var awkward = new Dictionary<string, byte[]>
        {
            ["CMYK JPEG"] = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "ycck-quadrants-64x48.jpg")),
            ["16-bit PNG"] = HostileImages.Png(48, 32, sixteenBitRgb: true),
            ["palette PNG"] = HandWrittenImages.PalettePng(2, 2, [0, 1, 1, 0], [(255, 0, 0), (0, 0, 255)]),
            ["RGBA PNG"] = TestImages.Encode(rgba, SKEncodedImageFormat.Png),
            ["BMP"] = HandWrittenImages.Bmp(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]),
            ["GIF"] = HostileImages.Gif1x1(),
            ["tiny 1x1 PNG"] = HostileImages.Png(1, 1),
            ["WebP"] = TestImages.Encode(rgba, SKEncodedImageFormat.Webp),
        };
        for (ushort orientation = 2; orientation <= 8; orientation++)
            awkward[$"EXIF orientation {orientation}"] = ExifJpeg.WithOrientation(jpeg, orientation);
        var hostile = Hostile().Select(row => (byte[])row[1]).ToArray();

        var images = awkward.Values.Concat(hostile).Select(b => (ReadOnlyMemory<byte>)b).ToList();
        var results = fixture.Classifier.ClassifyEncoded(images);

        foreach (var (name, result) in awkward.Keys.Zip(results))
            Assert.True(result.Succeeded, $"{name}: {result.Error}");
        Assert.All(results.Skip(awkward.Count), r => Assert.False(r.Succeeded));
    }

    [Fact]
    public async Task The_pipeline_turns_every_per_image_failure_into_a_result()
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<EncodedImage>();
        var hostile = Hostile().Select(row => (byte[])row[1]).ToArray();
        for (var i = 0; i < hostile.Length; i++)
            channel.Writer.TryWrite(new EncodedImage(i, hostile[i]));
        channel.Writer.TryWrite(new EncodedImage(hostile.Length, SmallJpeg()));
        channel.Writer.Complete();
        var results = new Dictionary<int, ImageClassification>();

        await ClassificationPipeline.RunAsync(fixture.Classifier, channel.Reader, 5, batch =>
        {
            foreach (var (index, result) in batch.Indices.Zip(batch.Results))
                results[index] = result;
            return Task.CompletedTask;
        });

        Assert.Equal(hostile.Length + 1, results.Count);
        Assert.All(Enumerable.Range(0, hostile.Length), i => Assert.NotNull(results[i].ErrorKind));
        Assert.True(results[hostile.Length].Succeeded, results[hostile.Length].Error);
    }
}
