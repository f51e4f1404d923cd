namespace Fleet.Storage.Limits;

/// <summary>How much of one dataset item Fleet will read, bound from <c>Fleet:Limits</c> (the image limits share the section).</summary>
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
}
