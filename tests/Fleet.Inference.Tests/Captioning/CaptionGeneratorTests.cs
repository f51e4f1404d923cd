using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning;

/// <summary>Generation mechanics on the tiny random model: fast, and its choices are arbitrary but deterministic.</summary>
[Collection(CaptionCollection.Name)]
public sealed class CaptionGeneratorTests(CaptionFixture fixture)
{
    private static readonly string[][] s_labelSets =
    [
        ["golden retriever"],
        ["tabby cat", "Egyptian Mau"],
        ["mountain bike", "crash helmet", "T-shirt"],
        ["seashore"],
        ["sports car", "convertible", "pickup truck", "jeep", "minivan"],
        ["acoustic guitar", "stage"],
        ["tench"],
        ["park bench", "umbrella", "pole"],
    ];

    // No early stop, so every step of every row is compared.
    private static readonly CaptionSettings s_long = new() { Greedy = true, MaxNewTokens = 12, StopAtSentenceEnd = false, MinNewTokens = 12 };

    private CaptionGenerator Tiny => fixture.Tiny;

    private static CaptionRequest Request(string[] labels, int i) => CaptionRequest.FromLabels(labels, $"image{i}");

    [Fact]
    public void Loads_the_catalog_decoder_on_cpu()
    {
        Assert.Equal(CaptionFixture.TinyModel, Tiny.ModelName);
        Assert.Equal((2, 2, 32), (Tiny.Decoder.Layers, Tiny.Decoder.Heads, Tiny.Decoder.Embedding));
        Assert.Equal(ExecutionProviders.Cpu, Tiny.ExecutionProvider);
        Assert.Equal("labels: {labels}. caption:", Tiny.PromptTemplate);
    }

    [Fact]
    public void Greedy_tokens_with_the_kv_cache_equal_tokens_recomputed_without_it()
    {
        var prompts = s_labelSets.Select(Tiny.EncodePrompt).ToList();

        var cached = Tiny.GenerateTokens(prompts, s_long, useKvCache: true);
        var recomputed = Tiny.GenerateTokens(prompts, s_long, useKvCache: false);

        Assert.All(cached, tokens => Assert.Equal(12, tokens.Count));
        Assert.Equal(recomputed, cached);
    }

    [Fact]
    public void A_batch_of_mixed_length_prompts_gives_what_single_runs_give()
    {
        var prompts = s_labelSets.Select(Tiny.EncodePrompt).ToList();
        Assert.True(prompts.Select(p => p.Count).Distinct().Count() > 3, "the prompts should differ in length");

        var batched = Tiny.GenerateTokens(prompts, s_long);
        var single = prompts.Select(p => Tiny.GenerateTokens([p], s_long)[0]).ToList();

        Assert.Equal(single, batched);
        Assert.Equal(s_labelSets.Select((l, i) => Tiny.Generate([Request(l, i)])[0]), Tiny.Generate([.. s_labelSets.Select(Request)]));
    }

    [Fact]
    public void Sampling_with_a_seed_is_repeatable_and_independent_of_the_batch()
    {
        var prompts = s_labelSets.Select(Tiny.EncodePrompt).ToList();
        var sampled = s_long with { Greedy = false, Seed = 42, TopK = 50, TopP = 0.9f, Temperature = 1.0f };

        var first = Tiny.GenerateTokens(prompts, sampled);
        var again = Tiny.GenerateTokens(prompts, sampled);
        var otherSeed = Tiny.GenerateTokens(prompts, sampled with { Seed = 43 });
        var lastAlone = Tiny.GenerateTokens([prompts[^1]], sampled);
        var greedy = Tiny.GenerateTokens(prompts, s_long);

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(greedy, first);
        // Image i samples from a stream seeded by (seed, i): alone it is image 0, so compare with a request where it is also first.
        Assert.Equal(lastAlone[0], Tiny.GenerateTokens([prompts[^1], prompts[0]], sampled)[0]);
    }

    [Fact]
    public void Stops_at_end_of_text_and_at_a_sentence_end_per_row()
    {
        var prompts = s_labelSets.Select(Tiny.EncodePrompt).ToList();
        // Sampling from the random model reaches '.'-like tokens quickly; end-of-text ends a row without being returned.
        var settings = new CaptionSettings { MaxNewTokens = 40, Greedy = false, Seed = 7, TopK = 0, TopP = 1f, Temperature = 3f };

        var rows = Tiny.GenerateTokens(prompts, settings);

        var stopped = 0;
        foreach (var row in rows)
        {
            Assert.DoesNotContain(CaptionTokenizer.Gpt2EndOfText, row);
            var endsSentence = row.Count > 0 && Tiny.Tokenizer.Decode([row[^1]]).TrimEnd() is [.., '.' or '!' or '?'];
            var sentenceEnds = row.Take(row.Count - 1).Count(id => Tiny.Tokenizer.Decode([id]).TrimEnd() is [.., '.' or '!' or '?']);
            Assert.Equal(0, sentenceEnds);
            Assert.InRange(row.Count, 1, 40);
            if (endsSentence || row.Count < 40)
            {
                stopped++;
            }
        }

        Assert.True(stopped > 0, "some row should stop before the token limit");
    }

    [Fact]
    public void Max_new_tokens_bounds_every_row_and_captions_are_clean_sentences()
    {
        var captions = Tiny.Generate([.. s_labelSets.Select(Request)], new CaptionSettings { Greedy = true, MaxNewTokens = 5 });

        Assert.Equal(s_labelSets.Length, captions.Count);
        foreach (var caption in captions.Where(c => c.Length > 0))
        {
            Assert.True(char.IsUpper(caption[0]) || !char.IsLetter(caption[0]), caption);
            Assert.Matches("[.!?]$", caption);
            Assert.DoesNotContain("labels:", caption, StringComparison.OrdinalIgnoreCase);
        }

        Assert.All(Tiny.GenerateTokens(s_labelSets.Select(Tiny.EncodePrompt).ToList(), new CaptionSettings { Greedy = true, MaxNewTokens = 5 }), t => Assert.InRange(t.Count, 1, 5));
    }

    [Fact]
    public void Concurrent_callers_share_one_session()
    {
        var prompts = s_labelSets.Select(Tiny.EncodePrompt).ToList();
        var expected = Tiny.GenerateTokens(prompts, s_long);

        var results = new IReadOnlyList<IReadOnlyList<int>>[6];
        Parallel.For(0, results.Length, i => results[i] = Tiny.GenerateTokens(prompts, s_long));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Rejects_prompts_that_do_not_fit_the_positions()
    {
        var tooLong = Enumerable.Repeat(262, 120).ToList();

        Assert.Throws<ArgumentException>(() => Tiny.GenerateTokens([tooLong]));
        Assert.Throws<ArgumentException>(() => Tiny.GenerateTokens([[]]));
        Assert.Throws<ArgumentException>(() => Tiny.GenerateTokens([[262]], new CaptionSettings { TopP = 0 }));
    }
}
