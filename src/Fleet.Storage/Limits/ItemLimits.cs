namespace Fleet.Storage.Limits;

/// <summary>
/// How much of a dataset Fleet will read: per item, per manifest line, per manifest and per job, bound from
/// <c>Fleet:Limits</c> (the image limits share the section). Each bound keeps bytes a user sends from sizing memory or
/// planning time without end; docs/security.md lists the defaults and why.
/// </summary>
public sealed class ItemLimits
{
    public const string SectionName = "Fleet:Limits";

    /// <summary>50 MiB: far above any photo, far below what a shard's reads in flight could hold many of.</summary>
    public const long DefaultMaxItemBytes = 50L * 1024 * 1024;

    public static ItemLimits Default { get; } = new();

    /// <summary>Bytes per item, checked against the declared length before reading and while streaming.</summary>
    public long MaxItemBytes { get; set; } = DefaultMaxItemBytes;

    /// <summary>
    /// Members one WebDataset tar may have (1,000,000: a hundred times a usual 1 GB shard of photos); past it the rest of
    /// the tar is one error row, so a tar of millions of empty members cannot make planning endless.
    /// </summary>
    public int MaxTarMembers { get; set; } = 1_000_000;

    /// <summary>
    /// Characters one manifest line (a .txt line, a .jsonl object, a CSV record) may have: 1 Mi. A URI is a few KB at
    /// most and an entry's columns are held to 64 KiB (an error row past that), so a longer line is not an entry anyone
    /// wrote: planning fails naming this setting instead of growing one string until the silo dies.
    /// </summary>
    public int MaxManifestLineLength { get; set; } = 1 << 20;

    /// <summary>
    /// Lines one manifest may have, blank and comment lines included: 1,000,000,000, ten times a 100M-image job. Listing
    /// streams, so lines cost no memory; the cap ends a manifest that never ends (an http body of endless newlines).
    /// </summary>
    public long MaxManifestLines { get; set; } = 1_000_000_000;

    /// <summary>
    /// Shards one job may plan: 10,000,000. A 100M-image job at the default 64 images a shard is 1.6M shards; each shard
    /// is a manifest blob and a place in the job grain's queue, so 100M images at shardSize 1 is refused, not planned.
    /// </summary>
    public int MaxShardsPerJob { get; set; } = 10_000_000;

    /// <summary>The setting's full configuration key, as errors name it.</summary>
    public static string Setting(string name) => $"{SectionName}:{name}";
}
