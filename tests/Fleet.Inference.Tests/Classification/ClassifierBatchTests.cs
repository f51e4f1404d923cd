using Fleet.Inference.Classification;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Classification;

/// <summary>
/// Every run goes through IOBinding over a rented batch of pinned memory (on the CPU provider: the pinned object
/// heap); these check the binding gives the same labels as the plain paths and that batches are reused, not reallocated.
/// </summary>
[Collection(ClassifierCollection.Name)]
public sealed class ClassifierBatchTests(ClassifierFixture fixture)
{
    [Fact]
    public async Task A_rented_batch_decoded_by_the_decoders_labels_like_classify_encoded()
    {
        var classifier = fixture.Classifier;
        var images = ImageNetSample.Load().Take(classifier.BatchSize).Select(s => (ReadOnlyMemory<byte>)File.ReadAllBytes(s.Path)).ToList();
        var expected = classifier.ClassifyEncoded(images, topK: 3);
        using var decoders = new DecodeWorkers(2);

        var batch = classifier.Rent();
        IReadOnlyList<Prediction>[] bound;
        try
        {
            Assert.False(batch.IsCudaPinned);
            Assert.Equal(classifier.BatchSize, batch.Capacity);
            var errors = await decoders.DecodeAsync(batch, images);
            Assert.All(errors, e => Assert.Null(e));
            bound = classifier.Classify(batch, images.Count, topK: 3);
        }
        finally
        {
            classifier.Return(batch);
        }

        Assert.Equal(
            expected.Select(r => r.Predictions.Select(p => (p.ClassId, p.Score))),
            bound.Select(p => p.Select(x => (x.ClassId, x.Score))));
        Assert.Equal(images.Count, decoders.ImagesDecoded);
        Assert.True(decoders.BusyTime > TimeSpan.Zero);
    }

    [Fact]
    public void A_returned_batch_is_rented_again_with_its_binding_and_memory()
    {
        var classifier = fixture.Classifier;
        var first = classifier.Rent();
        var address = first.Input.Address;
        classifier.Return(first);

        var second = classifier.Rent();
        classifier.Return(second);

        // The pool is shared with other tests in the collection; one of the idle batches came back.
        Assert.NotEqual(IntPtr.Zero, address);
        Assert.True(ReferenceEquals(first, second) || second.Input.Address != IntPtr.Zero);
    }

    [Fact]
    public void Smaller_batches_than_the_capacity_bind_a_smaller_shape()
    {
        var classifier = fixture.Classifier;
        var images = ImageNetSample.Load().Take(3).Select(s => (ReadOnlyMemory<byte>)File.ReadAllBytes(s.Path)).ToList();
        var oneByOne = images.Select(i => classifier.ClassifyEncoded([i], topK: 1)[0].Predictions[0].ClassId).ToList();

        var together = classifier.ClassifyEncoded(images, topK: 1).Select(r => r.Predictions[0].ClassId).ToList();

        Assert.Equal(oneByOne, together);
    }

    [Fact]
    public void A_slot_outside_the_batch_or_of_the_wrong_element_type_is_refused()
    {
        var classifier = fixture.Classifier;
        var batch = classifier.Rent();
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => batch.Clear(batch.Capacity));
            Assert.Throws<ArgumentException>(() => batch.Write<byte>(new byte[classifier.Preprocessor.ImageLength], 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => classifier.Classify(batch, batch.Capacity + 1));
        }
        finally
        {
            classifier.Return(batch);
        }
    }
}
