namespace Fleet.Contracts;

/// <summary>How captions are generated: part of the job spec, and of the model fingerprint in _SUCCESS.json.</summary>
[GenerateSerializer, Alias("fleet.CaptionOptions")]
public sealed record CaptionOptions
{
    /// <summary>How many of the evidence labels (most confident first) go into the prompt.</summary>
    [Id(0)] public int PromptLabels { get; init; } = 2;
    [Id(1)] public int MaxNewTokens { get; init; } = 24;
    /// <summary>Greedy decoding (deterministic); false samples with temperature, top-k and top-p from <see cref="Seed"/>.</summary>
    [Id(2)] public bool Greedy { get; init; }
    [Id(3)] public float Temperature { get; init; } = 0.8f;
    [Id(4)] public int TopK { get; init; } = 40;
    [Id(5)] public float TopP { get; init; } = 0.95f;
    [Id(6)] public int Seed { get; init; }
    /// <summary>
    /// The lowest score at which a label other than the top one is evidence: a caption may name only what the top label
    /// or such a label licenses (docs/captions.md). Part of the caption fingerprint.
    /// </summary>
    [Id(7)] public float MinLabelScore { get; init; } = DefaultMinLabelScore;

    public const float DefaultMinLabelScore = 0.1f;
}
