namespace Fleet.Contracts;

/// <summary>Checks the parts of a spec that need no I/O, so a bad spec is rejected with a reason before anything runs.</summary>
public static class JobSpecValidator
{
    public const int MaxShardSize = 100_000;
    public const int MaxTopK = 100;

    /// <summary>Returns (field, reason) for every problem; empty when the spec is valid.</summary>
    public static IReadOnlyList<(string Field, string Reason)> Validate(JobSpec spec)
    {
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(spec.Dataset))
            problems.Add(("dataset", "is required"));
        if (string.IsNullOrWhiteSpace(spec.Output))
            problems.Add(("output", "is required"));
        if (string.IsNullOrWhiteSpace(spec.Classifier))
            problems.Add(("classifier", "is required"));
        if (spec.ShardSize is < 1 or > MaxShardSize)
            problems.Add(("shardSize", $"must be between 1 and {MaxShardSize}, was {spec.ShardSize}"));
        if (spec.TopK is < 1 or > MaxTopK)
            problems.Add(("topK", $"must be between 1 and {MaxTopK}, was {spec.TopK}"));
        if (double.IsNaN(spec.MaxFailedFraction) || spec.MaxFailedFraction is < 0 or > 1)
            problems.Add(("maxFailedFraction", $"must be between 0 and 1, was {spec.MaxFailedFraction}"));
        if (spec.Captioner is not null)
        {
            var caption = spec.Caption;
            if (caption.PromptLabels is < 1 or > 10)
                problems.Add(("caption.promptLabels", $"must be between 1 and 10, was {caption.PromptLabels}"));
            if (caption.MaxNewTokens is < 1 or > 128)
                problems.Add(("caption.maxNewTokens", $"must be between 1 and 128, was {caption.MaxNewTokens}"));
            if (caption.TopP is <= 0 or > 1 || caption.TopK < 0 || caption.Temperature <= 0)
                problems.Add(("caption", "needs 0 < topP <= 1, topK >= 0 and temperature > 0"));
        }
        return problems;
    }
}
