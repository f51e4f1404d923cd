using System.Diagnostics;
using Fleet.Bench.Infrastructure;
using Fleet.Inference.Captioning;

namespace Fleet.Bench.Scenarios;

/// <summary>`generate`: caption-model tokens/s at batch 1 and 16, KV cache on and off (Fleet.Inference's CaptionGenerator).</summary>
internal static class GenerateScenario
{
    private static readonly string[][] LabelSets = [["golden retriever", "tennis ball"], ["tabby cat", "Egyptian Mau"], ["mountain bike", "crash helmet"], ["seashore", "sandbar"]];

    public static async Task<object> RunAsync(int runs, int newTokens)
    {
        using var models = await InferenceModels.LoadAsync(withCaptioner: true);
        var generator = models.Captioner!;
        var prompts = Enumerable.Range(0, 16).Select(i => generator.EncodePrompt(LabelSets[i % LabelSets.Length])).ToList();
        // Every row makes exactly newTokens tokens: no early stop, so each configuration does the same work.
        var settings = new CaptionSettings { MaxNewTokens = newTokens, MinNewTokens = newTokens, StopAtSentenceEnd = false };
        generator.GenerateTokens(prompts, settings); // warm-up

        var figures = new Dictionary<string, List<double>>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var batch in new[] { 1, 16 })
            {
                foreach (var cache in new[] { true, false })
                {
                    var clock = Stopwatch.StartNew();
                    var tokens = 0;
                    // Batch 1 runs 4 prompts one after another, batch 16 all 16 at once.
                    var groups = batch == 1 ? prompts.Take(4).Select(p => (IReadOnlyList<IReadOnlyList<int>>)[p]) : [prompts];
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
            kvSpeedupBatch1 = Spread.OfRatios(figures["batch1KvOn"], figures["batch1KvOff"]),
            kvSpeedupBatch16 = Spread.OfRatios(figures["batch16KvOn"], figures["batch16KvOff"]),
        };
    }
}
