using Fleet.Storage.Datasets.Slices;

namespace Fleet.Jobs.Planning;

/// <summary>
/// Chooses a manifest's slices from a sampled first block of its entries, so a shard holds about the spec's images
/// per shard: exact slice bounds at every <c>shardSize</c>-th entry when the block is the whole manifest, otherwise
/// slices of the block's average bytes per entry times the shard size.
/// </summary>
public static class ShardSizer
{
    /// <param name="head">The manifest's size and version.</param>
    /// <param name="dataStart">Where entries start (after a CSV header).</param>
    /// <param name="entries">Byte offsets of the entries found in the sampled block (at least one).</param>
    /// <param name="sampledBytes">The bytes of the block (from <paramref name="dataStart"/>).</param>
    /// <param name="whole">True when the block is all of the manifest.</param>
    /// <param name="shardSize">The spec's images per shard.</param>
    public static ManifestPlan Plan(ManifestHead head, long dataStart, IReadOnlyList<long> entries, long sampledBytes, bool whole, int shardSize)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        if (whole)
        {
            var shards = (entries.Count + shardSize - 1) / shardSize;
            var bounds = new long[shards + 1];
            bounds[0] = dataStart;
            for (var shard = 1; shard < shards; shard++)
                bounds[shard] = entries[shard * shardSize];
            bounds[shards] = head.Size;
            return new ManifestPlan { Version = head.Version, Size = head.Size, DataStart = dataStart, Bounds = bounds, Shards = shards, EstimatedImages = entries.Count };
        }
        var bytesPerEntry = (double)sampledBytes / entries.Count;
        var sliceBytes = Math.Max(1, (long)Math.Round(bytesPerEntry * shardSize));
        var data = head.Size - dataStart;
        return new ManifestPlan
        {
            Version = head.Version,
            Size = head.Size,
            DataStart = dataStart,
            SliceBytes = sliceBytes,
            Shards = (int)Math.Min(int.MaxValue, (data + sliceBytes - 1) / sliceBytes),
            // Nothing is leased yet: the first lease raises the limit (ShardScheduler), so the plan may be resized from the start.
            LeaseLimit = -1,
            EstimatedImages = Math.Max(1, (long)Math.Round(data / bytesPerEntry)),
        };
    }
}
