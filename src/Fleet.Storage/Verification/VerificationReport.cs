namespace Fleet.Storage.Verification;

/// <summary>How a job's rows compare with its dataset: every input URI should be in exactly one row.</summary>
public sealed record VerificationReport
{
    public const int SampleSize = 20;

    public required long DatasetImages { get; init; }
    public required long Rows { get; init; }
    public required long ErrorRows { get; init; }
    public required long MissingCount { get; init; }
    public required long DuplicatedCount { get; init; }
    public required long UnexpectedCount { get; init; }
    /// <summary>Up to <see cref="SampleSize"/> examples of each problem.</summary>
    public required IReadOnlyList<string> Missing { get; init; }
    public required IReadOnlyList<string> Duplicated { get; init; }
    public required IReadOnlyList<string> Unexpected { get; init; }

    public bool IsExactlyOnce => MissingCount == 0 && DuplicatedCount == 0 && UnexpectedCount == 0;
}
