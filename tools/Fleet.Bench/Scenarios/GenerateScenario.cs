using System.Diagnostics;
using Fleet.Bench.Infrastructure;
using Fleet.Inference.Captioning;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `generate`: caption-model tokens/s per batch size (default 1 and 16), KV cache on, and off up to batch 16 (beyond,
/// recomputing the whole prefix every token only measures the obvious). Fleet.Inference's CaptionGenerator.
/// </summary>
internal static class GenerateScenario
{
    private static readonly string[][] LabelSets = [["golden retriever", "tennis ball"], ["tabby cat", "Egyptian Mau"], ["mountain bike", "crash helmet"], ["seashore", "sandbar"]];

    private const int LargestBatchWithoutCache = 16;

    public static async Task<object> RunAsync(int runs, int newTokens, int[] batches)
    {
        using var models = await InferenceModels.LoadAsync(withCaptioner: true);
        var generator = models.Captioner!;
        var prompts = Enumerable.Range(0, Math.Max(16, batches.Max())).Select(i => generator.EncodePrompt(LabelSets[i % LabelSets.Length])).ToList();
        // Every row makes exactly newTokens tokens: no early stop, so each configuration does the same work.
        var settings = new CaptionSettings { Greedy = true, MaxNewTokens = newTokens, MinNewTokens = newTokens, StopAtSentenceEnd = false };
        generator.GenerateTokens(prompts.Take(16).ToList(), settings); // warm-up

        var figures = new Dictionary<string, List<double>>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var batch in batches)
            {
                foreach (var cache in batch <= LargestBatchWithoutCache ? new[] { true, false } : [true])
                {
                    var clock = Stopwatch.StartNew();
                    var tokens = 0;
                    // Batch 1 runs 4 prompts one after another, a larger batch all its prompts at once.
                    var groups = batch == 1 ? prompts.Take(4).Select(p => (IReadOnlyList<IReadOnlyList<int>>)[p]) : [prompts.Take(batch).ToList()];
                    foreach (var group in groups)
                        tokens += generator.GenerateTokens(group, settings, cache).Sum(t => t.Count);
                    var rate = tokens / clock.Elapsed.TotalSeconds;
                    var key = $"batch{batch}Kv{(cache ? "On" : "Off")}";
                    JsonLine.Progress($"{key}: {rate:F0} tokens/s");
                    (figures.TryGetValue(key, out var list) ? list : figures[key] = []).Add(rate);
                }
            }
        }

        return new
        {
            scenario = "generate",
            model = generator.ModelName,
            executionProvider = generator.ExecutionProvider,
            newTokensPerPrompt = newTokens,
            runs,
            tokensPerSecond = figures.ToDictionary(f => f.Key, f => Spread.Of(f.Value)),
            kvSpeedup = batches.Where(b => b <= LargestBatchWithoutCache).ToDictionary(
                b => $"batch{b}", b => Spread.OfRatios(figures[$"batch{b}KvOn"], figures[$"batch{b}KvOff"])),
        };
    }
}
