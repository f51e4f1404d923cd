namespace Fleet.Jobs.Planning;

/// <summary>Fleet:Planning: how a manifest planned by byte ranges is sampled.</summary>
public sealed class PlanningOptions
{
    public const string SectionName = "Fleet:Planning";

    /// <summary>
    /// The first block of a text manifest read while planning: a manifest no larger is planned exactly (shards of the
    /// spec's size); a larger one is split by the block's average line length. Small enough that the first shard is
    /// leasable within a second.
    /// </summary>
    public int SampleBytes { get; set; } = 1024 * 1024;
}
