using Fleet.Inference.Captioning;

namespace Fleet.Inference.Tests.Captioning;

public sealed class CaptionTokenizerTests
{
    [Fact]
    public void Gpt2_ids_are_the_real_ones()
    {
        Assert.Equal([15496, 995], CaptionTokenizer.Gpt2.Encode("Hello world"));
        Assert.Equal("<|endoftext|>", CaptionTokenizer.Gpt2.Decode([CaptionTokenizer.Gpt2EndOfText]));
    }

    [Theory]
    [InlineData("labels: golden retriever, tennis ball. caption: A dog catches a ball in the park.")]
    [InlineData(" A man in a red shirt rides a mountain bike down a dirt path!")]
    [InlineData("Café crème, naïve façade — 東京 🐕")]
    public void Text_survives_a_round_trip(string text)
    {
        var ids = CaptionTokenizer.Gpt2.Encode(text);

        Assert.All(ids, id => Assert.InRange(id, 0, CaptionTokenizer.Gpt2VocabularySize - 1));
        Assert.Equal(text, CaptionTokenizer.Gpt2.Decode(ids));
    }

    [Fact]
    public void Prompt_joins_labels_into_the_template()
    {
        var prompt = CaptionPrompt.Format(CaptionPrompt.DefaultTemplate, ["golden retriever", " tennis_ball ", "Golden Retriever", ""]);

        Assert.Equal("labels: golden retriever, tennis ball. caption:", prompt);
    }
}
