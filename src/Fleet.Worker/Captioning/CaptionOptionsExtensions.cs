using Fleet.Contracts;
using Fleet.Inference.Captioning;

namespace Fleet.Worker.Captioning;

/// <summary>The job spec's caption options as the generator's settings: one mapping for the engine and the benchmarks.</summary>
public static class CaptionOptionsExtensions
{
    public static CaptionSettings ToSettings(this CaptionOptions options) => new()
    {
        MaxNewTokens = options.MaxNewTokens,
        Greedy = options.Greedy,
        Temperature = options.Temperature,
        TopK = options.TopK,
        TopP = options.TopP,
        Seed = options.Seed,
        PromptLabels = options.PromptLabels,
        MinLabelScore = options.MinLabelScore,
    };
}
