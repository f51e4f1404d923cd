using Fleet.Inference.Classification;
using Fleet.Inference.Imaging;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Classification;

[Collection(ClassifierCollection.Name)]
public sealed class DecodeWorkersTests(ClassifierFixture fixture)
{
    [Fact]
    public void Default_is_one_decoder_per_core()
    {
        using var decoders = new DecodeWorkers(0);

        Assert.Equal(Environment.ProcessorCount, decoders.Threads);
    }

    [Fact]
    public async Task A_bad_image_is_an_error_at_its_index_and_counted()
    {
        var classifier = fixture.Classifier;
        using var decoders = new DecodeWorkers(2);
        var good = File.ReadAllBytes(ImageNetSample.Load()[0].Path);
        ReadOnlyMemory<byte>[] images = [good, "not an image"u8.ToArray(), good];

        var batch = classifier.Rent();
        try
        {
            var errors = await decoders.DecodeAsync(batch, images);

            Assert.Null(errors[0]);
            Assert.Equal(ImageErrorKinds.Decode, errors[1]!.Value.Kind);
            Assert.Null(errors[2]);
        }
        finally
        {
            classifier.Return(batch);
        }

        Assert.Equal(3, decoders.ImagesDecoded);
        Assert.Equal(1, decoders.ImagesFailed);
    }

    [Fact]
    public async Task A_cancelled_decode_ends_cancelled_after_its_images_are_let_go()
    {
        var classifier = fixture.Classifier;
        using var decoders = new DecodeWorkers(1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var batch = classifier.Rent();
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                decoders.DecodeAsync(batch, [File.ReadAllBytes(ImageNetSample.Load()[0].Path)], cancelled.Token));
        }
        finally
        {
            classifier.Return(batch);
        }

        Assert.Equal(0, decoders.ImagesDecoded);
    }
}
