using System.Diagnostics;
using Fleet.Inference.Imaging;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;
using Xunit.Abstractions;

namespace Fleet.Inference.Tests.Classification;

[Collection(ClassifierCollection.Name)]
public sealed class ImageClassifierTests(ClassifierFixture fixture, ITestOutputHelper output)
{
    // Measured 0.81 on imagenet-sample-100 since the bilinear resize and the crop-window decode (issue 17), 0.82 with
    // mipmaps before; the plain reference pipeline in fleet-bench scores 0.81 and the model's published ImageNet-val
    // top-1 is 0.683. A swapped channel order scores 0.51, a box resize 0.69. A change made for speed may cost at most
    // one point of it.
    private const double MinimumTop1 = 0.80;

    [Fact]
    public void Top1_on_the_imagenet_sample_is_in_line_with_the_model()
    {
        var sample = ImageNetSample.Load();
        var images = sample.Select(s => (ReadOnlyMemory<byte>)File.ReadAllBytes(s.Path)).ToList();

        var stopwatch = Stopwatch.StartNew();
        var results = fixture.Classifier.ClassifyEncoded(images, topK: 5);
        stopwatch.Stop();

        Assert.Equal(100, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var top1 = sample.Zip(results).Count(x => x.Second.Predictions[0].ClassId == x.First.ClassId) / (double)sample.Count;
        var top5 = sample.Zip(results).Count(x => x.Second.Predictions.Any(p => p.ClassId == x.First.ClassId)) / (double)sample.Count;
        output.WriteLine(
            $"{fixture.Classifier.ModelName} on {fixture.Classifier.ExecutionProvider}: top-1 {top1:P0}, top-5 {top5:P0} on {sample.Count} images " +
            $"(published top-1 {fixture.Classifier.Model.PublishedTop1:P1}); {stopwatch.ElapsedMilliseconds} ms in batches of {fixture.Classifier.BatchSize}");
        Assert.True(top1 >= MinimumTop1, $"top-1 {top1:P0} is below {MinimumTop1:P0}");
    }

    [Fact]
    public void A_batch_of_eight_ranks_like_eight_single_images()
    {
        var classifier = fixture.Classifier;
        var paths = ImageNetSample.Load().Take(8).Select(s => s.Path).ToList();
        var batch = new float[8 * classifier.Preprocessor.ImageLength];
        for (var i = 0; i < paths.Count; i++)
        {
            classifier.Preprocessor.Write(File.ReadAllBytes(paths[i]), batch, i);
        }

        var batched = classifier.Classify(batch, 8, topK: 5);

        for (var i = 0; i < paths.Count; i++)
        {
            using var image = ImageDecoder.Decode(File.ReadAllBytes(paths[i]), classifier.Preprocessor.Spec.ResizeShorterSide);
            var single = classifier.Classify(image, topK: 5);
            Assert.Equal(single[0].ClassId, batched[i][0].ClassId);
            Assert.Equal(single.Select(p => p.ClassId), batched[i].Select(p => p.ClassId));
            for (var k = 0; k < single.Count; k++)
            {
                Assert.True(Math.Abs(single[k].Score - batched[i][k].Score) <= 1e-4f, $"image {i} rank {k}: {single[k].Score} vs {batched[i][k].Score}");
            }
        }
    }

    [Fact]
    public void The_model_has_a_dynamic_batch_and_runs_on_cpu_here()
    {
        Assert.Equal(int.MaxValue, fixture.Classifier.MaxBatchSize);
        Assert.Equal(16, fixture.Classifier.BatchSize);
        Assert.Equal(ExecutionProviders.Cpu, fixture.Classifier.ExecutionProvider);
        Assert.Equal(1000, fixture.Classifier.Labels.Count);
        Assert.Equal("tench", fixture.Classifier.Labels[0]);
    }

    [Fact]
    public void Scores_are_probabilities_in_rank_order()
    {
        var classifier = fixture.Classifier;
        var bytes = File.ReadAllBytes(ImageNetSample.Load()[0].Path);
        var batch = new float[classifier.Preprocessor.ImageLength];
        classifier.Preprocessor.Write(bytes, batch, 0);

        var all = classifier.Classify(batch, 1, topK: 1000)[0];

        Assert.Equal(1000, all.Count);
        Assert.Equal(1.0, all.Sum(p => (double)p.Score), 3);
        Assert.True(all.Zip(all.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
        Assert.All(all.Take(5), p => Assert.Equal(classifier.Labels[p.ClassId], p.Label));
    }

    [Fact]
    public async Task Concurrent_callers_share_one_session_safely()
    {
        var images = ImageNetSample.Load().Skip(10).Take(6).Select(s => (ReadOnlyMemory<byte>)File.ReadAllBytes(s.Path)).ToList();
        var expected = fixture.Classifier.ClassifyEncoded(images, topK: 1).Select(r => r.Predictions[0].ClassId).ToList();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => fixture.Classifier.ClassifyEncoded(images, topK: 1))));

        Assert.All(runs, run => Assert.Equal(expected, run.Select(r => r.Predictions[0].ClassId)));
    }

    [Fact]
    public void A_bad_image_fails_alone()
    {
        var paths = ImageNetSample.Load().Take(3).Select(s => s.Path).ToList();
        ReadOnlyMemory<byte>[] images = [File.ReadAllBytes(paths[0]), new byte[] { 1, 2, 3 }, File.ReadAllBytes(paths[1]), File.ReadAllBytes(paths[2])];
        var clean = fixture.Classifier.ClassifyEncoded([images[0], images[2], images[3]], topK: 3);

        var mixed = fixture.Classifier.ClassifyEncoded(images, topK: 3);

        Assert.Equal("not a supported image (3 bytes)", mixed[1].Error);
        Assert.Empty(mixed[1].Predictions);
        Assert.Equal(clean.Select(r => r.Predictions[0].ClassId), new[] { mixed[0], mixed[2], mixed[3] }.Select(r => r.Predictions[0].ClassId));
    }
}
