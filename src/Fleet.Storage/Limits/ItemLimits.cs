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
}
