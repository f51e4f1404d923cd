using System.Diagnostics;
using System.Globalization;
using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;
using Xunit.Abstractions;

namespace Fleet.Inference.Tests.Captioning;

/// <summary>
/// Generation speed of the trained model (batch 1 and 16, KV cache on and off) and sample captions. Runs only
/// with FLEET_CAPTION_BENCH=1 (it takes a while; skipped, saying so, otherwise):
/// <c>FLEET_CAPTION_BENCH=1 dotnet test tests/Fleet.Inference.Tests --filter CaptionBenchmark --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(CaptionCollection.Name)]
public sealed class CaptionBenchmarkTests(CaptionFixture fixture, ITestOutputHelper output)
{
    [CaptionBenchFact]
    public async Task Reports_tokens_per_second()
    {
        // Default ONNX Runtime threads (one per core) and one thread: on a busy shared machine one can win.
        using var oneThread = await CaptionGenerator.LoadAsync(fixture.Catalog, fixture.Resolver, CaptionFixture.TrainedModel, new InferenceOptions { Device = InferenceDevice.Cpu, BatchSize = 16, IntraOpThreads = 1 });
        foreach (var (generator, threads) in new[] { (fixture.Trained, "default"), (oneThread, "1") })
        {
            Measure(generator, threads);
        }
    }

    private void Measure(CaptionGenerator generator, string threads)
    {
        string[][] labelSets = [["golden retriever"], ["tabby cat", "Egyptian Mau"], ["mountain bike", "crash helmet"], ["seashore"]];
        var prompts = Enumerable.Range(0, 16).Select(i => generator.EncodePrompt(labelSets[i % labelSets.Length])).ToList();
        // Every row makes exactly MaxNewTokens tokens: no early stop.
        var settings = new CaptionSettings { MaxNewTokens = 24, MinNewTokens = 24, StopAtSentenceEnd = false };
        generator.GenerateTokens(prompts, settings); // warm-up

        foreach (var batch in new[] { 1, 16 })
        {
            foreach (var cache in new[] { true, false })
            {
                var rounds = batch == 1 ? 8 : 2;
                var stopwatch = Stopwatch.StartNew();
                var tokens = 0;
                for (var r = 0; r < rounds; r++)
                {
                    tokens += generator.GenerateTokens(prompts.Take(batch).ToList(), settings, cache).Sum(t => t.Count);
                }

                var rate = tokens / stopwatch.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threads {threads,-7} batch {batch,2}, KV cache {(cache ? "on " : "off")}: {rate,8:F0} tokens/s ({tokens} tokens, {stopwatch.Elapsed.TotalSeconds:F2} s)"));
            }
        }
    }

    [CaptionBenchFact]
    public void Prints_sample_captions()
    {
        string[][] labelSets =
        [
            ["golden retriever", "Labrador Retriever", "tennis ball"],
            ["tabby cat", "tiger cat", "Egyptian Mau"],
            ["mountain bike", "crash helmet", "jeans"],
            ["seashore", "sandbar", "lakeshore"],
            ["soccer ball", "rugby ball", "volleyball"],
            ["canoe", "paddle", "lakeshore"],
            ["alp", "ski", "valley"],
            ["sports car", "convertible", "race car"],
            ["acoustic guitar", "electric guitar", "stage"],
            ["Border Collie", "frisbee", "park bench"],
        ];

        var requests = labelSets.Select((labels, i) => CaptionRequest.FromLabels(labels, $"image{i}")).ToList();
        var greedy = fixture.Trained.Generate(requests, CaptionSettings.Default with { Greedy = true });
        var sampled = fixture.Trained.Generate(requests, CaptionSettings.Default with { Greedy = false, Seed = 1 });
        for (var i = 0; i < labelSets.Length; i++)
        {
            output.WriteLine($"{string.Join(", ", labelSets[i]),-50} | {greedy[i]} | sampled: {sampled[i]}");
        }
    }
}
