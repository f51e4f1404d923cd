namespace Fleet.Contracts;

/// <summary>Checks the parts of a spec that need no I/O, so a bad spec is rejected with a reason before anything runs.</summary>
public static class JobSpecValidator
{
    public const int MaxShardSize = 100_000;
    public const int MaxTopK = 100;
    // Caption bounds (the generator holds itself to the same: Fleet.Inference CaptionSettings): each keeps a request from
    // allocating per token what it names (caption.topK: 1e9 was a heap of a billion entries per token).
    public const int MaxCaptionPromptLabels = 5;
    public const int MaxCaptionNewTokens = 64;
    public const int MaxCaptionTopK = 1000;
    public const float MaxCaptionTemperature = 5f;

    /// <summary>
    /// The rule of each whole-number field, by its name in a request: also what the API answers when a value cannot be
    /// read as an int at all (1e9, 1e10, 2.5, a string), so that answer names the limit too.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WholeNumberRules { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["shardSize"] = $"must be between 1 and {MaxShardSize}",
        ["topK"] = $"must be between 1 and {MaxTopK}",
        ["caption.promptLabels"] = $"must be between 1 and {MaxCaptionPromptLabels}",
        ["caption.maxNewTokens"] = $"must be between 1 and {MaxCaptionNewTokens}",
        ["caption.topK"] = $"must be between 0 (no limit) and {MaxCaptionTopK}",
        ["caption.seed"] = $"must be between {int.MinValue} and {int.MaxValue}",
    };

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
            problems.Add(("shardSize", $"{WholeNumberRules["shardSize"]}, was {spec.ShardSize}"));
        if (spec.TopK is < 1 or > MaxTopK)
            problems.Add(("topK", $"{WholeNumberRules["topK"]}, was {spec.TopK}"));
        if (double.IsNaN(spec.MaxFailedFraction) || spec.MaxFailedFraction is < 0 or > 1)
            problems.Add(("maxFailedFraction", $"must be between 0 and 1, was {spec.MaxFailedFraction}"));
        if (!ResultFormats.All.Contains(ResultFormats.OrDefault(spec.Format)))
            problems.Add(("format", $"must be one of {string.Join(", ", ResultFormats.All)}, was '{spec.Format}'"));
        if (spec.Captioner is not null)
        {
            var caption = spec.Caption;
            if (caption.PromptLabels is < 1 or > MaxCaptionPromptLabels)
                problems.Add(("caption.promptLabels", $"{WholeNumberRules["caption.promptLabels"]}, was {caption.PromptLabels}"));
            if (caption.MaxNewTokens is < 1 or > MaxCaptionNewTokens)
                problems.Add(("caption.maxNewTokens", $"{WholeNumberRules["caption.maxNewTokens"]}, was {caption.MaxNewTokens}"));
            if (caption.TopK is < 0 or > MaxCaptionTopK)
                problems.Add(("caption.topK", $"{WholeNumberRules["caption.topK"]}, was {caption.TopK}"));
            if (!(caption.TopP > 0 && caption.TopP <= 1))
                problems.Add(("caption.topP", $"must be above 0 and at most 1, was {caption.TopP}"));
            if (!(caption.Temperature > 0 && caption.Temperature <= MaxCaptionTemperature))
                problems.Add(("caption.temperature", $"must be above 0 and at most {MaxCaptionTemperature}, was {caption.Temperature}"));
            if (!(caption.MinLabelScore >= 0 && caption.MinLabelScore <= 1))
                problems.Add(("caption.minLabelScore", $"must be between 0 and 1, was {caption.MinLabelScore}"));
        }
        return problems;
    }
}
