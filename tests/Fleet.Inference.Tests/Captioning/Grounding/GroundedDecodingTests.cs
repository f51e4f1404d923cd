using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning.Grounding;

/// <summary>
/// The decoding constraint itself, with logits chosen by the test: an unlicensed word cannot be spelled even when the
/// model prefers it above everything else; a licensed word and a free word can.
/// </summary>
[Collection(CaptionCollection.Name)]
public sealed class GroundedDecodingTests(CaptionFixture fixture)
{
    private static readonly CaptionTokenizer s_tokenizer = CaptionTokenizer.Gpt2;

    private GroundedVocabulary Vocabulary => new(fixture.Tiny.Lexicon!, s_tokenizer, CaptionTokenizer.Gpt2EndOfText);

    [Theory]
    [InlineData(" aquarium")]
    [InlineData(" woman")]
    [InlineData(" wooden")]
    [InlineData(" lake")]
    public void An_unlicensed_word_is_never_picked_however_much_the_model_prefers_it(string preferred)
    {
        var vocabulary = Vocabulary;
        var licence = new CaptionLicence(ImageNetEvidence.Of(("tench", 0.83f)), vocabulary.Lexicon);
        var constraint = new GroundedContinuation(vocabulary, vocabulary.Licensed(licence), [], openingWords: 2);

        // Greedy decoding whose logits always favour the next token of the preferred word, then " swimming".
        var picked = new List<int>();
        var word = s_tokenizer.Encode(preferred);
        for (var i = 0; i < word.Count; i++)
        {
            var token = PickWithPreference(constraint, word[i], then: s_tokenizer.Encode(" swimming")[0]);
            picked.Add(token);
            constraint.Advance(token);
            if (token != word[i])
            {
                break;
            }
        }

        Assert.NotEqual(word, picked);
        Assert.DoesNotContain(preferred.Trim(), s_tokenizer.Decode(picked), StringComparison.Ordinal);
    }

    [Fact]
    public void A_licensed_phrase_is_spelled_whole_and_a_free_word_is_allowed()
    {
        var vocabulary = Vocabulary;
        var licence = new CaptionLicence(ImageNetEvidence.Of(("canoe", 0.7f), ("lakeshore", 0.2f)), vocabulary.Lexicon);
        var constraint = new GroundedContinuation(vocabulary, vocabulary.Licensed(licence), [], openingWords: 2);

        foreach (var token in s_tokenizer.Encode(" is floating near the lakeshore"))
        {
            Assert.Equal(token, PickWithPreference(constraint, token, then: null));
            constraint.Advance(token);
        }

        var end = PickWithPreference(constraint, s_tokenizer.Encode(".")[0], then: null);
        constraint.Advance(end);
        Assert.True(constraint.Finished);
    }

    [Fact]
    public void Before_the_first_word_there_is_no_stop_and_no_content_word()
    {
        var vocabulary = Vocabulary;
        var constraint = new GroundedContinuation(vocabulary, vocabulary.Licensed(new CaptionLicence(ImageNetEvidence.Of(("tench", 0.9f)), vocabulary.Lexicon)), [], openingWords: 2);
        // Before any word: no stop offered, no content word, the free words' first tokens.
        var swimming = s_tokenizer.Encode(" swimming");

        var columns = LogitColumns.All(CaptionTokenizer.Gpt2VocabularySize);
        var allowed = new CandidateSet(columns);
        constraint.AllowedNext(allowed, mayStop: false);
        Assert.DoesNotContain(s_tokenizer.Encode(".")[0], allowed.Columns);
        Assert.DoesNotContain(s_tokenizer.Encode(" water")[0], allowed.Columns);
        Assert.Contains(swimming[0], allowed.Columns);
    }

    // The constraint's greedy pick when the logits put `preferred` far above everything and `then` next.
    private static int PickWithPreference(GroundedContinuation constraint, int preferred, int? then)
    {
        var columns = LogitColumns.All(CaptionTokenizer.Gpt2VocabularySize);
        var logits = new float[columns.Count];
        logits[preferred] = 100;
        if (then is { } next)
        {
            logits[next] = 50;
        }

        var allowed = new CandidateSet(columns);
        constraint.AllowedNext(allowed, mayStop: true);
        return columns.TokenAt(TokenSampler.Pick(logits, CaptionSettings.Default with { Greedy = true }, null, allowed.Columns, null));
    }
}
