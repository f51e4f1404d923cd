namespace Fleet.Contracts;

/// <summary>
/// Where the principal that submitted a job lets it read and write, set by the API from its settings (never by the
/// request) and checked by the silos at admission and for every manifest item. Entries: http(s) URIs of containers or
/// prefixes, local folders, or "sample:". An empty list: that side is limited only by the fleet's own intake policy.
/// </summary>
[GenerateSerializer, Alias("fleet.IntakeScope")]
public sealed record IntakeScope
{
    [Id(0)] public IReadOnlyList<string> Datasets { get; init; } = [];

    [Id(1)] public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>The setting the lists came from (e.g. Fleet:Api:Keys:alice), named in a refusal.</summary>
    [Id(2)] public string Source { get; init; } = "";

    // By value: a resubmitted spec with the same scope is the same spec.
    public bool Equals(IntakeScope? other) =>
        other is not null && Source == other.Source && Datasets.SequenceEqual(other.Datasets) && Outputs.SequenceEqual(other.Outputs);

    public override int GetHashCode() => HashCode.Combine(Source, Datasets.Count, Outputs.Count);
}
