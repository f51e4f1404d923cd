using Fleet.Jobs.Planning;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Fleet.Jobs.Tests.Planning;

/// <summary>
/// A byte-range plan resized while it runs: its slices stay contiguous and cover the manifest exactly once across
/// every step, shards before a step keep their slices, the image estimate goes by bytes left, and a plan stored
/// before resizing existed reads as one never resized.
/// </summary>
public sealed class ManifestPlanStepsTests
{
    private static ManifestPlan Plan(long size = 100_000, long dataStart = 37, long sliceBytes = 100) => new()
    {
        Version = "v1",
        Size = size,
        DataStart = dataStart,
        SliceBytes = sliceBytes,
        Shards = (int)((size - dataStart + sliceBytes - 1) / sliceBytes),
        EstimatedImages = (size - dataStart) / 10,
        LeaseLimit = -1,
    };

    private static void AssertCoversOnce(ManifestPlan plan)
    {
        var expected = plan.DataStart;
        for (var shard = 0; shard < plan.Shards; shard++)
        {
            var slice = plan.Slice(shard);
            Assert.Equal(expected, slice.Start);
            Assert.True(slice.End > slice.Start, $"shard {shard} is empty: {slice.Start}..{slice.End}");
            expected = slice.End;
        }
        Assert.Equal(plan.Size, expected);
    }

    [Fact]
    public void Slices_stay_contiguous_and_cover_the_manifest_exactly_once_across_steps()
    {
        var plan = Plan();
        AssertCoversOnce(plan);

        Assert.Equal(10 + (100_000 - 37 - 1000 + 399) / 400, plan.Resize(10, 400));
        AssertCoversOnce(plan);
        plan.Resize(20, 50);
        AssertCoversOnce(plan);
        plan.Resize(30, 7_777);
        AssertCoversOnce(plan);
        // A resize of the last shard, and one from past the end, which adds nothing.
        var last = plan.Shards - 1;
        plan.Resize(last, 3);
        AssertCoversOnce(plan);
        Assert.Equal(plan.Shards, plan.Resize(plan.Shards, 10));
        AssertCoversOnce(plan);
        Assert.Equal(4, plan.Steps.Count);
    }

    [Fact]
    public void Shards_before_a_step_keep_their_slices_and_a_step_starts_where_the_last_slice_ended()
    {
        var plan = Plan();
        var before = Enumerable.Range(0, 40).Select(plan.Slice).ToList();

        plan.Resize(40, 1_000);

        Assert.Equal(before, Enumerable.Range(0, 40).Select(plan.Slice));
        Assert.Equal(new SliceStep(40, before[^1].End, 1_000), plan.Steps.Single());
        Assert.Equal((before[^1].End, before[^1].End + 1_000), (plan.Slice(40).Start, plan.Slice(40).End));
        Assert.Equal(1_000, plan.CurrentSliceBytes);
    }

    [Fact]
    public void A_step_must_come_after_the_last_and_an_exact_plan_is_never_resized()
    {
        var plan = Plan();
        plan.Resize(10, 400);
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Resize(10, 800));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Resize(5, 800));
        var exact = new ManifestPlan { Version = "v", Size = 10, Bounds = [0, 5, 10], Shards = 2, EstimatedImages = 2 };
        Assert.Throws<InvalidOperationException>(() => exact.Resize(1, 1));
    }

    [Fact]
    public void The_image_estimate_goes_by_bytes_left_so_a_resize_leaves_it_where_it_was()
    {
        // 1,000 bytes of data, 100 images (10 bytes each) in 10 slices of 100 bytes.
        var plan = Plan(size: 1_000, dataStart: 0, sliceBytes: 100);
        Assert.Equal(100, plan.EstimatedImages);
        // Two slices done with 25 images between them (denser than sampled): 25 + 80 left.
        var before = plan.ImagesTotal(imagesDone: 25, shardsDone: 2, bytesDone: 200);
        Assert.Equal(105, before);

        plan.Resize(2, 400);
        Assert.Equal(4, plan.Shards);

        // Counting by shards would say 25 + 100/4 x 2 = 75; by bytes it is still 105.
        Assert.Equal(before, plan.ImagesTotal(imagesDone: 25, shardsDone: 2, bytesDone: 200));
        Assert.Equal(98, plan.ImagesTotal(imagesDone: 98, shardsDone: 4, bytesDone: 1_000));
    }

    [Fact]
    public void A_plan_stored_before_resizing_reads_as_one_with_no_steps_and_no_lease_limit()
    {
        var serializer = new ServiceCollection()
            .AddSerializer(s => s.AddAssembly(typeof(ManifestPlan).Assembly).AddAssembly(typeof(ManifestPlanStepsTests).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer>();
        var old = new ManifestPlanV1 { Version = "v1", Size = 1_000, DataStart = 10, SliceBytes = 99, Shards = 10, EstimatedImages = 100, ImagesByShard = new() { [3] = 7 } };

        var read = serializer.Deserialize<ManifestPlan>(serializer.SerializeToArray(old))!;

        Assert.Equal((1_000L, 10L, 99L, 10, 100L, 7), (read.Size, read.DataStart, read.SliceBytes, read.Shards, read.EstimatedImages, read.ImagesByShard[3]));
        Assert.NotNull(read.Steps);
        Assert.Empty(read.Steps);
        Assert.Null(read.LeaseLimit);
        Assert.Equal(0, read.MaxShards);
        Assert.Equal(new ManifestSliceRange(109, 208), new ManifestSliceRange(read.Slice(1).Start, read.Slice(1).End));

        // And a resized plan comes back with its steps and limit.
        var plan = Plan();
        plan.Resize(10, 400);
        plan.LeaseLimit = 41;
        var copy = serializer.Deserialize<ManifestPlan>(serializer.SerializeToArray(plan))!;
        Assert.Equal(plan.Steps, copy.Steps);
        Assert.Equal((41, plan.Shards), (copy.LeaseLimit, copy.Shards));
        Assert.Equal(Enumerable.Range(0, plan.Shards).Select(plan.Slice), Enumerable.Range(0, copy.Shards).Select(copy.Slice));
    }

    private readonly record struct ManifestSliceRange(long Start, long End);
}

/// <summary>ManifestPlan as stored before adaptive shard size (fields 0-7, no steps, no lease limit).</summary>
[GenerateSerializer, Alias("fleet.tests.ManifestPlanV1")]
public sealed class ManifestPlanV1
{
    [Id(0)] public required string Version { get; init; }
    [Id(1)] public required long Size { get; init; }
    [Id(2)] public long DataStart { get; init; }
    [Id(3)] public long SliceBytes { get; init; }
    [Id(4)] public long[]? Bounds { get; init; }
    [Id(5)] public required int Shards { get; init; }
    [Id(6)] public required long EstimatedImages { get; init; }
    [Id(7)] public Dictionary<int, int> ImagesByShard { get; set; } = [];
}
