using Fleet.Jobs.Progress;

namespace Fleet.Jobs.Tests.Progress;

public sealed class ShardProgressTests
{
    private const int Segment = ProgressSegment.Shards;

    [Fact]
    public void A_commit_marks_only_its_own_segment_dirty_and_the_counters_follow_the_bits()
    {
        var progress = new ShardProgress();

        progress.MarkDone(3, succeeded: 60, failed: 4);
        progress.MarkDone(5 * Segment + 7, succeeded: 64, failed: 0);

        Assert.Equal([0, 5], progress.Dirty);
        Assert.True(progress.IsDone(3));
        Assert.True(progress.IsDone(5 * Segment + 7));
        Assert.False(progress.IsDone(5 * Segment + 8));
        Assert.Equal((2, 124L, 4L), (progress.ShardsDone, progress.ImagesSucceeded, progress.ImagesFailed));
        Assert.Equal([3], progress.ShardsWithFailures());
        Assert.False(progress.MarkDone(3, 60, 4));
        Assert.Equal(2, progress.ShardsDone);
    }

    [Fact]
    public void Attempts_are_kept_only_for_shards_in_trouble_and_go_when_the_shard_commits()
    {
        var progress = new ShardProgress();
        Assert.Equal(1, progress.AttemptFailed(Segment + 1));
        Assert.Equal(2, progress.AttemptFailed(Segment + 1));
        progress.TakeDirty();

        progress.MarkDone(Segment + 1, 64, 0);

        Assert.Empty(progress.Attempts());
        Assert.Equal([1], progress.Dirty);
    }

    [Fact]
    public void Reopening_takes_a_shard_back_out_of_its_segment()
    {
        var progress = new ShardProgress();
        progress.MarkDone(9, succeeded: 7, failed: 3);

        Assert.True(progress.Reopen(9, images: 10));

        Assert.False(progress.IsDone(9));
        Assert.Equal((0, 0L, 0L), (progress.ShardsDone, progress.ImagesSucceeded, progress.ImagesFailed));
        Assert.Empty(progress.ShardsWithFailures());
        Assert.False(progress.Reopen(9, images: 10));
    }

    [Fact]
    public void The_next_shard_not_done_skips_done_runs_across_segments()
    {
        var progress = new ShardProgress();
        for (var shard = 0; shard < Segment + 20; shard++)
            progress.MarkDone(shard, 1, 0);
        progress.Reopen(Segment + 5, 1);

        Assert.Equal(Segment + 5, progress.NextNotDone(0, 3 * Segment));
        Assert.Equal(Segment + 20, progress.NextNotDone(Segment + 6, 3 * Segment));
        Assert.Equal(Segment + 2, progress.NextNotDone(0, Segment + 2));
        // Past the last segment nothing is done.
        Assert.Equal(4 * Segment, progress.NextNotDone(4 * Segment, 5 * Segment));
    }

    [Fact]
    public void A_taken_segment_is_a_copy_later_commits_do_not_change()
    {
        var progress = new ShardProgress();
        progress.MarkDone(1, 1, 0);
        var (_, taken) = Assert.Single(progress.TakeDirty());

        progress.MarkDone(2, 1, 0);

        Assert.Equal(1, taken.ShardsDone);
        Assert.False(taken.IsDone(2));
        Assert.Equal([0], progress.TakeDirty().Select(d => d.Index));
    }
}
