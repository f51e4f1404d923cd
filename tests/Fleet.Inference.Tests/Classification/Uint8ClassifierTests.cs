using Fleet.Inference.Classification;
using Fleet.Inference.Imaging;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;
using Xunit.Abstractions;

namespace Fleet.Inference.Tests.Classification;

/// <summary>
/// mobilenetv2-12-float-rgb8 is mobilenetv2-12-float with the normalisation folded into its graph: given the uint8
/// crop it must label the photos as the float model does given Fleet's float preprocessing. Measured: 100 of 100 agree.
/// </summary>
[Collection(ClassifierCollection.Name)]
public sealed class Uint8ClassifierTests(ClassifierFixture fixture, ITestOutputHelper output)
{
    private const string FloatModel = "mobilenetv2-12-float";
    private const string Uint8Model = "mobilenetv2-12-float-rgb8";

    [Fact]
    public async Task Labels_the_sample_photos_as_the_float_path_does()
    {
        var options = new InferenceOptions { Device = InferenceDevice.Cpu, BatchSize = 16 };
        using var floatClassifier = await ImageClassifier.LoadAsync(fixture.Catalog, fixture.Resolver, FloatModel, options);
        using var uint8Classifier = await ImageClassifier.LoadAsync(fixture.Catalog, fixture.Resolver, Uint8Model, options);
        var sample = ImageNetSample.Load();
        var images = sample.Select(s => (ReadOnlyMemory<byte>)File.ReadAllBytes(s.Path)).ToList();

        var float32 = floatClassifier.ClassifyEncoded(images, topK: 5);
        var uint8 = uint8Classifier.ClassifyEncoded(images, topK: 5);

        Assert.All(uint8, r => Assert.True(r.Succeeded, r.Error));
        var differ = float32.Zip(uint8).Count(p => p.First.Predictions[0].ClassId != p.Second.Predictions[0].ClassId);
        var maxScoreGap = float32.Zip(uint8).Max(p => Math.Abs(p.First.Predictions[0].Score - p.Second.Predictions[0].Score));
        var top1 = sample.Zip(uint8).Count(p => p.Second.Predictions[0].ClassId == p.First.ClassId);
        output.WriteLine($"top-1 labels that differ from the float path: {differ}/{images.Count}; largest top-1 score gap {maxScoreGap:G3}; top-1 {top1}/100");
        Assert.True(differ <= 1, $"{differ} of {images.Count} photos get another top-1 label than the float path");
    }

    [Fact]
    public void The_uint8_crop_normalised_as_the_catalog_says_is_the_float_tensor()
    {
        var spec = fixture.Catalog.Get(Uint8Model).Preprocessing!;
        Assert.True(spec.TakesBytes);
        var floats = new ImagePreprocessor(fixture.Catalog.Get(FloatModel).Preprocessing!);
        var bytes = new ImagePreprocessor(spec);
        var photo = File.ReadAllBytes(ImageNetSample.Load()[3].Path);
        var tensor = new float[floats.ImageLength];
        var crop = new byte[bytes.ImageLength];

        floats.Write(photo, tensor, 0);
        bytes.Write(photo, crop.AsSpan(), 0);

        // NHWC bytes -> NCHW (v / scale - mean) / std, as the graph's prefix computes it.
        var size = spec.CropSize;
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < size * size; i++)
            {
                var expected = ((crop[(i * 3) + c] / spec.Scale) - spec.Mean[c]) / spec.Std[c];
                Assert.Equal(expected, tensor[(c * size * size) + i]);
            }
        }
        Assert.Equal([1, size, size, 3], bytes.BatchShape(1));
    }

    [Fact]
    public async Task Uint8_crops_classify_in_chunks_larger_than_one_batch()
    {
        using var classifier = await ImageClassifier.LoadAsync(
            fixture.Catalog, fixture.Resolver, Uint8Model, new InferenceOptions { Device = InferenceDevice.Cpu, BatchSize = 2 });
        var paths = ImageNetSample.Load().Take(5).Select(s => s.Path).ToList();
        var crops = new byte[paths.Count * classifier.Preprocessor.ImageLength];
        for (var i = 0; i < paths.Count; i++)
            classifier.Preprocessor.Write(File.ReadAllBytes(paths[i]), crops.AsSpan(), i);

        var fromCrops = classifier.Classify(crops.AsSpan(), paths.Count, topK: 1);
        var fromFiles = classifier.ClassifyEncoded(paths.Select(p => (ReadOnlyMemory<byte>)File.ReadAllBytes(p)).ToList(), topK: 1);

        Assert.Equal(fromFiles.Select(r => r.Predictions[0].ClassId), fromCrops.Select(p => p[0].ClassId));
        Assert.Throws<ArgumentException>(() => classifier.Classify(new float[classifier.Preprocessor.ImageLength], 1));
    }
}
