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

    /// <summary>True: always the most likely token (deterministic). False: seeded sampling with the settings below.</summary>
    public bool Greedy { get; init; } = true;

    public float Temperature { get; init; } = 0.8f;

    /// <summary>Sample among the K most likely tokens; 0 means no limit.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Sample within the smallest set of tokens whose probability reaches P (nucleus); 1 means no limit.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>The sampling seed; image i of a request samples from its own stream derived from (Seed, i).</summary>
    public int Seed { get; init; }

    /// <summary>Stop a caption at its first '.', '!' or '?'.</summary>
    public bool StopAtSentenceEnd { get; init; } = true;

    public void Validate()
    {
        if (MaxNewTokens < 1 || MinNewTokens < 0 || TopK < 0 || !(Temperature > 0) || !(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentException("Caption settings need MaxNewTokens >= 1, MinNewTokens >= 0, TopK >= 0, Temperature > 0 and 0 < TopP <= 1.");
        }
    }
}
