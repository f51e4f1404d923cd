using Fleet.Contracts;
using Fleet.Jobs.Planning;
using Fleet.Storage.Datasets.Slices;

namespace Fleet.Jobs.Tests;

public sealed class ShardSizerTests
{
    private static readonly ManifestHead Head = new(Size: 1000, Version: "v1");

    [Fact]
    public void A_manifest_read_whole_is_split_at_every_shard_size_th_entry_and_counts_exactly()
    {
        long[] entries = [10, 30, 55, 80, 120, 400, 700];

        var plan = ShardSizer.Plan(Head, dataStart: 10, entries, sampledBytes: 990, whole: true, shardSize: 3);

        Assert.Equal(3, plan.Shards);
        Assert.Equal([10L, 80L, 700L, 1000L], plan.Bounds!);
        Assert.Equal(7, plan.EstimatedImages);
        Assert.Equal(new ManifestSlice { Start = 80, End = 700, Version = "v1", DataStart = 10 }, plan.Slice(1));
        Assert.Equal(7, plan.ImagesTotal(imagesDone: 3, shardsDone: 1, bytesDone: 70));
    }

    [Fact]
    public void A_large_manifest_is_split_by_the_sampled_bytes_per_entry_and_its_total_is_exact_once_all_shards_report()
    {
        // 10 entries in a 100-byte block: 10 bytes each, 4 per shard -> 40-byte slices over 1000 bytes.
        var entries = Enumerable.Range(0, 10).Select(i => (long)i * 10).ToList();

        var plan = ShardSizer.Plan(Head, dataStart: 0, entries, sampledBytes: 100, whole: false, shardSize: 4);

        Assert.Null(plan.Bounds);
        Assert.Equal((40L, 25, 100L), (plan.SliceBytes, plan.Shards, plan.EstimatedImages));
        // A new byte-range plan keeps its lease limit from the start (nothing leased yet), so it can be resized.
        Assert.Equal(-1, plan.LeaseLimit);
        Assert.Equal(new ManifestSlice { Start = 960, End = 1000, Version = "v1" }, plan.Slice(24));
        Assert.Equal(2 + 96, plan.ImagesTotal(imagesDone: 2, shardsDone: 1, bytesDone: 40));
        Assert.Equal(93, plan.ImagesTotal(imagesDone: 93, shardsDone: 25, bytesDone: 1000));
    }
}
