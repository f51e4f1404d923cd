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
        return problems;
    }
}
