using Fleet.Inference.Captioning.Grounding;

namespace Fleet.Inference.Captioning;

/// <summary>
/// How captions are generated. A record, so a job can store it and fingerprint it: the same settings,
/// model and labels give the same captions (sampling is seeded per image).
/// </summary>
public sealed record CaptionSettings
{
    public static CaptionSettings Default { get; } = new();

    /// <summary>The most tokens generated after the prompt; generation stops earlier at a sentence end or end-of-text.</summary>
    public int MaxNewTokens { get; init; } = 24;

    /// <summary>Tokens that must come before a sentence end or end-of-text may stop a caption.</summary>
    public int MinNewTokens { get; init; } = 2;

    /// <summary>
    /// True: always the most likely token. False (the default): sampling with the settings below, seeded per image (its
    /// key), so captions vary from image to image yet a re-run writes the same ones. Greedy decoding gives every image
    /// with the same labels the same caption, and most images of a kind the same sentence.
    /// </summary>
    public bool Greedy { get; init; }

    public float Temperature { get; init; } = 0.8f;

    /// <summary>Sample among the K most likely tokens; 0 means no limit.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Sample within the smallest set of tokens whose probability reaches P (nucleus); 1 means no limit.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>The sampling seed; image i of a request samples from its own stream derived from (Seed, i).</summary>
    public int Seed { get; init; }

    /// <summary>Stop a caption at its first '.', '!' or '?'.</summary>
    public bool StopAtSentenceEnd { get; init; } = true;

    /// <summary>How many of the evidence labels (most confident first) go into the prompt.</summary>
    public int PromptLabels { get; init; } = 2;

    /// <summary>The lowest score at which a label other than the top one is evidence a caption may use (<see cref="GroundingRule"/>).</summary>
    public float MinLabelScore { get; init; } = GroundingRule.DefaultMinLabelScore;

    public GroundingRule Rule => new() { MinLabelScore = MinLabelScore };

    // The bounds a job spec is held to too (JobSpecValidator): each keeps a request from allocating per token what it names.
    public const int MaxMaxNewTokens = 64;
    public const int MaxTopK = 1000;
    public const int MaxPromptLabels = 5;
    public const float MaxTemperature = 5f;

    public void Validate()
    {
        if (MaxNewTokens is < 1 or > MaxMaxNewTokens || MinNewTokens < 0 || TopK is < 0 or > MaxTopK || !(Temperature > 0 && Temperature <= MaxTemperature)
            || !(TopP > 0 && TopP <= 1) || PromptLabels is < 1 or > MaxPromptLabels || !(MinLabelScore >= 0 && MinLabelScore <= 1))
        {
            throw new ArgumentException(
                $"Caption settings need 1 <= MaxNewTokens <= {MaxMaxNewTokens}, MinNewTokens >= 0, 0 <= TopK <= {MaxTopK}, 0 < Temperature <= {MaxTemperature}, " +
                $"0 < TopP <= 1, 1 <= PromptLabels <= {MaxPromptLabels} and 0 <= MinLabelScore <= 1.");
        }
    }
}
