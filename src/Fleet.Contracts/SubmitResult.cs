namespace Fleet.Contracts;

/// <summary>The answer to a submit: accepted with the job's status, or rejected with the reasons.</summary>
[GenerateSerializer, Alias("fleet.SubmitResult")]
public sealed record SubmitResult
{
    [Id(0)] public bool Accepted { get; init; }
    [Id(1)] public required JobStatus Status { get; init; }
    /// <summary>field -> reason, for a rejected spec.</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
}
