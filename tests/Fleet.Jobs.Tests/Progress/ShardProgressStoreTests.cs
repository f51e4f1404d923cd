using Fleet.Contracts;
using Fleet.Jobs.Progress;

namespace Fleet.Jobs.Tests.Progress;

public sealed class ShardProgressStoreTests
{
    private const int Segment = ProgressSegment.Shards;
    private static readonly GrainId Job = GrainId.Create("job", "store-test");

    private readonly DictionaryGrainStorage _storage = new();

    [Fact]
    public async Task A_checkpoint_writes_only_the_segments_that_changed()
    {
        var store = new ShardProgressStore(_storage, Job);
        var progress = await store.ReadAsync(segments: 10);
        progress.MarkDone(2 * Segment + 1, 64, 0);
        progress.MarkDone(7 * Segment, 64, 0);

        await store.WriteDirtyAsync(progress);
        progress.MarkDone(7 * Segment + 1, 64, 0);
        await store.WriteDirtyAsync(progress);
        await store.WriteDirtyAsync(progress);

        Assert.Equal(["job-progress-2", "job-progress-7", "job-progress-7"], _storage.Written);
    }

    [Fact]
    public async Task What_was_written_reads_back_in_a_new_activation_and_keeps_its_etags()
    {
        var first = new ShardProgressStore(_storage, Job);
        var progress = await first.ReadAsync(segments: 3);
        progress.MarkDone(Segment + 3, 60, 4);
        progress.AttemptFailed(2 * Segment);
        await first.WriteDirtyAsync(progress);

        var second = new ShardProgressStore(_storage, Job);
        var read = await second.ReadAsync(segments: 3);
        read.MarkDone(Segment + 4, 64, 0);
        await second.WriteDirtyAsync(read);

        Assert.True(read.IsDone(Segment + 3));
        Assert.Equal((2, 124L, 4L), (read.ShardsDone, read.ImagesSucceeded, read.ImagesFailed));
        Assert.Equal(1, read.AttemptsOf(2 * Segment));
        // The first activation's etags are stale now: its next write of that segment is refused.
        progress.MarkDone(Segment + 5, 64, 0);
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => first.WriteDirtyAsync(progress));
        Assert.Equal([1], progress.Dirty);
    }

    [Fact]
    public async Task A_record_written_by_older_code_moves_its_bitmap_and_dictionaries_into_segments()
    {
        var done = new byte[(Segment + 16) / 8];
        done[0] = 0b0000_0101;
        done[Segment / 8] = 0b0000_0010;
        var record = new JobRecord
        {
            Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 10 },
            State = JobState.Running,
            ShardCount = Segment + 10,
            PlanningComplete = true,
            ImagesTotal = (Segment + 10) * 10L,
            DoneShards = done,
            ShardsDone = 3,
            ImagesSucceeded = 27,
            ImagesFailed = 3,
            FailedByShard = new() { [2] = 3 },
            Attempts = new() { [5] = 2 },
        };
        var store = new ShardProgressStore(_storage, Job);

        Assert.True(record.Restore(await store.ReadAsync(record.ProgressSegmentCount)));
        await store.WriteDirtyAsync(record.Progress);

        Assert.True(record.ProgressInSegments);
        Assert.Empty(record.DoneShards);
        Assert.Empty(record.FailedByShard);
        Assert.Empty(record.Attempts);
        Assert.Equal(["job-progress-0", "job-progress-1"], _storage.Written);

        var reread = new JobRecord { Spec = record.Spec, ShardCount = record.ShardCount, ProgressInSegments = true };
        Assert.False(reread.Restore(await new ShardProgressStore(_storage, Job).ReadAsync(reread.ProgressSegmentCount)));
        Assert.Equal([true, false, true], Enumerable.Range(0, 3).Select(reread.IsShardDone));
        Assert.True(reread.IsShardDone(Segment + 1));
        Assert.Equal((3, 27L, 3L), (reread.ShardsDone, reread.ImagesSucceeded, reread.ImagesFailed));
        Assert.Equal(2, reread.Progress.AttemptsOf(5));
        Assert.Equal([2], reread.Progress.ShardsWithFailures());
    }
}
