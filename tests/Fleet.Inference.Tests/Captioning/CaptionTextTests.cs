using Fleet.Inference.Captioning;

namespace Fleet.Inference.Tests.Captioning;

public sealed class CaptionTextTests
{
    [Theory]
    [InlineData(" a dog runs on the grass. A second sentence.", "A dog runs on the grass.")]
    [InlineData("  two  dogs\nplay in the snow , together .", "Two dogs play in the snow, together.")]
    [InlineData(" a man rides a bike down the", "A man rides a bike down the.")]
    [InlineData(" a girl is smiling,", "A girl is smiling.")]
    [InlineData(" caption: a cat sleeps.", "A cat sleeps.")]
    [InlineData(" ...", "")]
    [InlineData("", "")]
    public void Cleans_to_one_capitalised_sentence(string generated, string expected) =>
        Assert.Equal(expected, CaptionText.Clean(generated));
}
