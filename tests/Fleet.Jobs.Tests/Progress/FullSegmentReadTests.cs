using Fleet.Contracts;
using Fleet.Jobs.Progress;

namespace Fleet.Jobs.Tests.Progress;

/// <summary>
/// What an activation reads of a job's progress (<see cref="ShardProgressStore.ReadAsync(JobRecord)"/>): not its full
/// segments (<see cref="JobRecord.FullSegments"/>) nor the segments never written (<see cref="JobRecord.SegmentsNamed"/>);
/// a full segment is read only when one of its shards re-opens (<see cref="ShardProgressStore.LoadAsync"/>; one with
/// failed images also for a user's resume, <see cref="ShardProgressStore.LoadFailuresAsync"/>), and a
/// crash between any two writes re-opens a shard, never loses one. The "activations" here are what the job grain does:
/// read the record, read the progress, checkpoint segments then record.
/// </summary>
public sealed class FullSegmentReadTests
{
    private const int Segment = ProgressSegment.Shards;
    private const int ShardSize = 10;
    private static readonly GrainId Grain = GrainId.Create("job", "full-segments");

    private readonly StoredJob _stored = new(Grain, ShardSize);

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(40)]
    public async Task An_activation_reads_only_the_segments_not_full_whatever_the_number_of_full_ones(int full)
    {
        // N full segments, one partly done, and two more planned but never written.
        var shards = (full + 3) * Segment;
        var (job, store) = await _stored.AdmitAsync(shards);
        for (var shard = 0; shard < full * Segment; shard++)
            Commit(job, shard);
        Commit(job, full * Segment + 2);
        await _stored.CheckpointAsync(job, store);

        var stored = await _stored.ReadRecordAsync();
        Assert.Equal(full == 0 ? Array.Empty<int>() : new[] { 0, full }, stored.FullSegments.Runs);
        Assert.Equal(full + 1, stored.SegmentsNamed);
        _stored.Storage.Read.Clear();

        var (again, reread) = await _stored.ActivateAsync();

        Assert.Equal(["job", ShardProgressStore.StateName(full)], _stored.Storage.Read);
        Assert.Equal(1, reread.SegmentsRead);
        Assert.Equal((full * Segment + 1, (full * Segment + 1L) * ShardSize, 0L), (again.ShardsDone, again.ImagesSucceeded, again.ImagesFailed));
        Assert.Equal(full * Segment, again.Progress.NextNotDone(0, shards));
        Assert.Equal(full * Segment + 3, again.Progress.NextNotDone(full * Segment + 2, shards));
        Assert.True(full == 0 || again.IsShardDone(full * Segment - 1));
        Assert.False(again.IsShardDone((full + 2) * Segment));
    }

    [Fact]
    public async Task A_full_segment_with_failed_images_is_read_by_a_users_resume_only_and_one_with_an_attempt_is_not_full()
    {
        var (job, store) = await _stored.AdmitAsync(4 * Segment);
        for (var shard = 0; shard < 2 * Segment; shard++)
            Commit(job, shard, failed: shard == Segment + 7 ? 2 : 0);
        job.Progress.AttemptFailed(2 * Segment + 1);
        await _stored.CheckpointAsync(job, store);

        var stored = await _stored.ReadRecordAsync();
        Assert.Equal([0, 2], stored.FullSegments.Runs);
        Assert.Equal([1, 2], stored.FullSegments.FailedRuns);
        _stored.Storage.Read.Clear();
        var (again, reread) = await _stored.ActivateAsync();
        // A re-activation reads neither full segment; the failed images are counted all the same.
        Assert.Equal(["job", ShardProgressStore.StateName(2)], _stored.Storage.Read);
        Assert.Equal((2 * Segment, 2L), (again.ShardsDone, again.ImagesFailed));
        Assert.Equal(1, again.Progress.AttemptsOf(2 * Segment + 1));
        Assert.Throws<InvalidOperationException>(() => again.Progress.ShardsWithFailures());

        // What a user's resume does (the grain, then ShardScheduler.Resume): only the segment with failures is read.
        _stored.Storage.Read.Clear();
        Assert.True(await reread.LoadFailuresAsync(again));
        Assert.Equal([ShardProgressStore.StateName(1)], _stored.Storage.Read);
        Assert.Equal([0, 1], again.FullSegments.Runs);
        Assert.Equal(0L, again.FullSegments.ImagesFailed);
        await _stored.WriteRecordAsync(again);
        foreach (var shard in again.Progress.ShardsWithFailures())
            again.ReopenShard(shard);
        again.Progress.ClearAttempts();
        await _stored.CheckpointAsync(again, reread);
        Assert.Equal((2 * Segment - 1, 0L), (again.ShardsDone, again.ImagesFailed));
        Assert.False(await reread.LoadFailuresAsync(again));

        var (third, _) = await _stored.ActivateAsync();
        Assert.False(third.IsShardDone(Segment + 7));
        Assert.Equal((2 * Segment - 1, 0L, (2L * Segment - 1) * ShardSize), (third.ShardsDone, third.ImagesFailed, third.ImagesSucceeded));
    }

    [Fact]
    public async Task A_full_segment_is_read_only_when_one_of_its_shards_reopens_and_leaves_the_record_first()
    {
        var (job, store) = await _stored.AdmitAsync(4 * Segment);
        for (var shard = 0; shard < 3 * Segment; shard++)
            Commit(job, shard);
        Commit(job, 3 * Segment);
        await _stored.CheckpointAsync(job, store);
        var (again, reread) = await _stored.ActivateAsync();
        var imagesBefore = again.ImagesSucceeded;
        _stored.Storage.Read.Clear();

        // Changing a full segment before it left the record is refused: a crash after its write would leave a record
        // that calls it full.
        Assert.Throws<InvalidOperationException>(() => again.ReopenShard(Segment + 5));
        Assert.False(await reread.LoadAsync(again, [3 * Segment]));
        Assert.Empty(_stored.Storage.Read);

        Assert.True(await reread.LoadAsync(again, [Segment + 5, Segment + 9]));
        Assert.Equal([ShardProgressStore.StateName(1)], _stored.Storage.Read);
        Assert.Equal([0, 1, 2, 3], again.FullSegments.Runs);
        Assert.Equal(2L * Segment * ShardSize, again.FullSegments.Images);
        Assert.Empty(again.FullSegments.FailedRuns);
        Assert.Equal(imagesBefore, again.ImagesSucceeded);
        await _stored.WriteRecordAsync(again);
        again.ReopenShard(Segment + 5);
        await _stored.CheckpointAsync(again, reread);

        _stored.Storage.Read.Clear();
        var (third, _) = await _stored.ActivateAsync();
        Assert.Equal(["job", ShardProgressStore.StateName(1), ShardProgressStore.StateName(3)], _stored.Storage.Read);
        Assert.False(third.IsShardDone(Segment + 5));
        Assert.True(third.IsShardDone(Segment + 6));
        Assert.Equal((3 * Segment, 3L * Segment * ShardSize), (third.ShardsDone, third.ImagesSucceeded));
    }

    [Fact]
    public async Task A_record_write_lost_after_a_segment_was_written_full_leaves_it_read_and_done_and_full_again()
    {
        var (job, store) = await _stored.AdmitAsync(2 * Segment);
        Commit(job, 0);
        await _stored.CheckpointAsync(job, store);
        for (var shard = 1; shard < Segment; shard++)
            Commit(job, shard);
        _stored.Storage.FailWrite = name => name == "job";
        await Assert.ThrowsAsync<IOException>(() => _stored.CheckpointAsync(job, store));
        _stored.Storage.FailWrite = _ => false;

        // The segment (named by the first checkpoint) was written full; the record says neither that it is full nor
        // its counts, which follow the segment.
        Assert.Equal(2, _stored.Storage.Written.Count(w => w == ShardProgressStore.StateName(0)));
        Assert.Empty((await _stored.ReadRecordAsync()).FullSegments.Runs);
        _stored.Storage.Read.Clear();
        var (again, reread) = await _stored.ActivateAsync();
        Assert.Contains(ShardProgressStore.StateName(0), _stored.Storage.Read);
        Assert.Equal(Segment, again.ShardsDone);
        Assert.True(again.IsShardDone(Segment - 1));

        // Read full, it is full in the next record: the activation after reads it no more.
        await _stored.WriteRecordAsync(again);
        _stored.Storage.Read.Clear();
        await _stored.ActivateAsync();
        Assert.Equal(["job"], _stored.Storage.Read);
    }

    [Fact]
    public async Task A_crash_after_a_record_without_the_full_segment_but_before_the_segment_reopens_loses_nothing()
    {
        var (job, store) = await _stored.AdmitAsync(2 * Segment);
        for (var shard = 0; shard < Segment; shard++)
            Commit(job, shard);
        await _stored.CheckpointAsync(job, store);
        var (again, reread) = await _stored.ActivateAsync();

        Assert.True(await reread.LoadAsync(again, [4]));
        await _stored.WriteRecordAsync(again);
        again.ReopenShard(4);
        _stored.Storage.FailWrite = name => name != "job";
        await Assert.ThrowsAsync<IOException>(() => _stored.CheckpointAsync(again, reread));
        _stored.Storage.FailWrite = _ => false;

        // The record no longer calls segment 0 full, so it is read: shard 4 is still done there (the finisher, which
        // re-opened it for its missing part, finds the part missing again and re-opens it again).
        _stored.Storage.Read.Clear();
        var (third, _) = await _stored.ActivateAsync();
        Assert.Contains(ShardProgressStore.StateName(0), _stored.Storage.Read);
        Assert.True(third.IsShardDone(4));
        Assert.Equal((Segment, (long)Segment * ShardSize), (third.ShardsDone, third.ImagesSucceeded));
    }

    [Fact]
    public async Task A_segment_is_named_in_the_record_before_its_first_write_so_no_stored_segment_goes_unread()
    {
        var (job, store) = await _stored.AdmitAsync(3 * Segment);
        Commit(job, 2 * Segment + 1);
        _stored.Storage.FailWrite = name => name == "job";
        await Assert.ThrowsAsync<IOException>(() => _stored.CheckpointAsync(job, store));
        // The record write that names segment 2 failed: the segment was not written either.
        Assert.DoesNotContain(ShardProgressStore.StateName(2), _stored.Storage.Written);

        // Named, then written; the record after it lost: the next activation still reads segment 2.
        var writes = 0;
        _stored.Storage.FailWrite = name => name == "job" && ++writes > 1;
        await Assert.ThrowsAsync<IOException>(() => _stored.CheckpointAsync(job, store));
        _stored.Storage.FailWrite = _ => false;
        Assert.Contains(ShardProgressStore.StateName(2), _stored.Storage.Written);
        Assert.Equal(3, (await _stored.ReadRecordAsync()).SegmentsNamed);

        _stored.Storage.Read.Clear();
        var (again, _) = await _stored.ActivateAsync();
        // Segments 0 and 1 were never written: named all the same (below the highest), so read, empty.
        Assert.Equal(["job", .. Enumerable.Range(0, 3).Select(ShardProgressStore.StateName)], _stored.Storage.Read.Order(StringComparer.Ordinal));
        Assert.True(again.IsShardDone(2 * Segment + 1));
        Assert.Equal(1, again.ShardsDone);
    }

    [Fact]
    public void Full_segments_are_kept_as_runs()
    {
        var full = new FullSegments();
        foreach (var segment in new[] { 3, 1, 2, 7, 5, 0 })
            Assert.True(full.Add(segment, 10));
        Assert.False(full.Add(2, 10));

        Assert.Equal([0, 4, 5, 6, 7, 8], full.Runs);
        Assert.Equal(60L, full.Images);
        Assert.True(full.Remove(2, 10));
        Assert.False(full.Remove(2, 10));
        Assert.True(full.Add(6, 10));
        Assert.Equal([0, 2, 3, 4, 5, 8], full.Runs);
        Assert.Equal([0, 1, 3, 5, 6, 7], full.Segments());
        Assert.Equal(6, full.CountSegments());
        Assert.True(full.Contains(7) && !full.Contains(2) && !full.Contains(8));
        Assert.True(full.Remove(0, 10) && full.Remove(1, 10));
        Assert.Equal([3, 4, 5, 8], full.Runs);
        Assert.True(full.Add(9, 8, failed: 2) && full.Add(11, 9, failed: 1));
        Assert.Equal([3, 4, 5, 8, 9, 10, 11, 12], full.Runs);
        Assert.Equal([9, 10, 11, 12], full.FailedRuns);
        Assert.Equal(3L, full.ImagesFailed);
        Assert.True(full.HasFailures(9) && !full.HasFailures(3));
        Assert.True(full.Remove(9, 8, failed: 2));
        Assert.Equal([11], full.SegmentsWithFailures());
        Assert.Equal(1L, full.ImagesFailed);
    }

    private static void Commit(JobRecord job, int shard, int failed = 0) => job.MarkShardDone(shard, new ShardReport(ShardSize - failed, failed));
}
