using Fleet.Jobs.Planning;

namespace Fleet.Jobs.Tests.Planning;

/// <summary>The resizer's decision from committed shards' bytes and seconds, against a 20 s target.</summary>
public sealed class ShardResizerTests
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(20);
    private const long Min = 1024;
    private const long Max = 64L * 1024 * 1024;

    /// <summary><paramref name="count"/> shards of <paramref name="bytes"/> each that took <paramref name="seconds"/>.</summary>
    private static IEnumerable<ShardSample> Samples(int count, long bytes, double seconds) =>
        Enumerable.Range(0, count).Select(_ => new ShardSample(bytes, seconds));

    [Fact]
    public void Fewer_than_eight_commits_change_nothing()
    {
        Assert.Null(ShardResizer.Next(Samples(7, 10_000, 0.01), 10_000, Target, Min, Max));
        Assert.NotNull(ShardResizer.Next(Samples(8, 10_000, 0.01), 10_000, Target, Min, Max));
    }

    [Fact]
    public void A_predicted_time_within_twice_the_target_either_way_is_left_alone()
    {
        // 1 ms per KB: a 10,000 KB slice takes 10 s (half the target) or 40 s (twice it) at 4x the slice.
        Assert.Null(ShardResizer.Next(Samples(8, 1000, 0.001), 10_000_000, Target, Min, Max));
        Assert.Null(ShardResizer.Next(Samples(8, 1000, 0.001), 40_000_000, Target, Min, Max));
        Assert.NotNull(ShardResizer.Next(Samples(8, 1000, 0.001), 9_000_000, Target, Min, Max));
        Assert.NotNull(ShardResizer.Next(Samples(8, 1000, 0.001), 41_000_000, Target, Min, Max));
    }

    [Fact]
    public void Fast_shards_grow_by_at_most_four_times_and_slow_ones_shrink_by_at_most_four_times()
    {
        // 0.1 s for a 10 KB slice: 200x too small, but one step is x4.
        Assert.Equal(40_000, ShardResizer.Next(Samples(8, 10_000, 0.1), 10_000, Target, Min, Max));
        // 1000 s for a 1 MB slice: 50x too large, one step is /4.
        Assert.Equal(250_000, ShardResizer.Next(Samples(8, 1_000_000, 1000), 1_000_000, Target, Min, Max));
        // 50 s for 1 MB: 2.5x too large, within a step: straight to the target's bytes.
        Assert.Equal(400_000, ShardResizer.Next(Samples(8, 1_000_000, 50), 1_000_000, Target, Min, Max));
    }

    [Fact]
    public void The_result_stays_within_the_bounds_and_never_moves_against_the_measurement()
    {
        Assert.Equal(Max, ShardResizer.Next(Samples(8, 1_000_000, 0.001), Max / 2, Target, Min, Max));
        Assert.Null(ShardResizer.Next(Samples(8, 1_000_000, 0.001), Max, Target, Min, Max));
        Assert.Equal(Min, ShardResizer.Next(Samples(8, 2000, 1000), 2000, Target, Min, Max));
        // A slice already under the floor that runs slow: the floor would grow it, so it stays.
        Assert.Null(ShardResizer.Next(Samples(8, 500, 1000), 500, Target, Min, Max));
    }

    [Fact]
    public void It_goes_by_the_median_and_ignores_reports_without_a_time()
    {
        // Seven fast shards and one hour-long straggler: the median says fast.
        var samples = Samples(7, 10_000, 0.1).Append(new ShardSample(10_000, 3600)).ToList();
        Assert.Equal(40_000, ShardResizer.Next(samples, 10_000, Target, Min, Max));
        // Reports from workers that sent no seconds are not samples: seven real ones are too few.
        var unknown = Samples(7, 10_000, 0.1).Concat(Samples(20, 10_000, 0)).ToList();
        Assert.Null(ShardResizer.Next(unknown, 10_000, Target, Min, Max));
    }
}
