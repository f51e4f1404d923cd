using Fleet.Contracts;
using Fleet.Jobs.Progress;

namespace Fleet.Jobs.Tests.Progress;

/// <summary>
/// docs/scale.md, "Resume reads": a checkpoint whose dirty segments go past <see cref="JobRecord.SegmentsNamed"/>
/// writes the record with the new bound, then the segments, then the record. When that last record write is lost
/// (the process died, the store failed it), the segments written just before it are still read by the next activation:
/// no shard done in a segment is skipped while the record's counters would have counted it. The records go through the
/// blob grain storage's serializer, as the silo stores them.
/// </summary>
public sealed class LostRecordWriteAfterNewSegmentTests
{
    private const int Segment = ProgressSegment.Shards;
    private const int ShardSize = 10;
    private const int Shards = 4 * Segment;
    private static readonly GrainId Grain = GrainId.Create("job", "lost-record-write");

    private readonly StoredJob _stored = new(Grain, ShardSize);

    [Fact]
    public async Task Segments_written_past_the_named_bound_before_a_lost_record_write_are_read_and_their_shards_stay_done()
    {
        var (job, store) = await _stored.AdmitAsync(Shards);
        var done = new HashSet<int> { 3, 70 };
        foreach (var shard in done)
            Commit(job, shard);
        await _stored.CheckpointAsync(job, store);
        Assert.Equal(1, (await _stored.ReadRecordAsync()).SegmentsNamed);

        // More shards done: more in segment 0, segment 1 whole (written full), two in segment 3 (segment 2 untouched).
        int[] more = [4, .. Enumerable.Range(Segment, Segment), 3 * Segment, 3 * Segment + 9];
        foreach (var shard in more)
            Commit(job, shard);
        done.UnionWith(more);
        _stored.Storage.Written.Clear();
        // The checkpoint's last write, the record after its segments, is lost.
        _stored.Storage.FailWrite = name => name == "job" && _stored.Storage.Written.Any(w => w != "job");
        await Assert.ThrowsAsync<IOException>(() => _stored.CheckpointAsync(job, store));
        _stored.Storage.FailWrite = _ => false;

        // The bound went to storage before the segments did; the record after them (full segment 1) did not.
        Assert.Equal("job", _stored.Storage.Written[0]);
        Assert.Equal(Enumerable.Range(0, 4).Where(i => i != 2).Select(ShardProgressStore.StateName), _stored.Storage.Written.Skip(1).Order(StringComparer.Ordinal));
        var stored = await _stored.ReadRecordAsync();
        Assert.Equal(4, stored.SegmentsNamed);
        // (Its counters are whatever the naming write carried: an activation takes them from the segments.)
        Assert.Empty(stored.FullSegments.Runs);

        _stored.Storage.Read.Clear();
        var (again, _) = await _stored.ActivateAsync();
        Assert.Equal(["job", .. Enumerable.Range(0, 4).Select(ShardProgressStore.StateName)], _stored.Storage.Read.Order(StringComparer.Ordinal));
        AssertProgressIs(again, done);
        // Segment 1, read full, is full in the next record.
        Assert.Equal([1, 2], again.FullSegments.Runs);
    }

    [Fact]
    public async Task A_segment_write_lost_in_such_a_checkpoint_leaves_its_shards_to_run_again_and_uncounted()
    {
        var (job, store) = await _stored.AdmitAsync(Shards);
        Commit(job, 1);
        await _stored.CheckpointAsync(job, store);

        // Segments 2 and 3 are named; segment 3's write fails (so the record after the segments is not written either).
        Commit(job, 2 * Segment + 1);
        Commit(job, 3 * Segment + 2);
        _stored.Storage.Written.Clear();
        _stored.Storage.FailWrite = name => name == ShardProgressStore.StateName(3) || (name == "job" && _stored.Storage.Written.Any(w => w != "job"));
        await Assert.ThrowsAsync<IOException>(() => _stored.CheckpointAsync(job, store));
        _stored.Storage.FailWrite = _ => false;

        var (again, reread) = await _stored.ActivateAsync();
        AssertProgressIs(again, [1, 2 * Segment + 1]);
        Assert.False(again.IsShardDone(3 * Segment + 2));

        // It runs again and is kept: the activation after it reads it done.
        Commit(again, 3 * Segment + 2);
        await _stored.CheckpointAsync(again, reread);
        var (third, _) = await _stored.ActivateAsync();
        AssertProgressIs(third, [1, 2 * Segment + 1, 3 * Segment + 2]);
    }

    /// <summary>Exactly <paramref name="expected"/> read done, and the counters are theirs: no shard is counted but not done, or done but not counted.</summary>
    private static void AssertProgressIs(JobRecord job, IReadOnlyCollection<int> expected)
    {
        var done = expected.ToHashSet();
        var read = Enumerable.Range(0, Shards).Where(job.IsShardDone).ToHashSet();
        Assert.True(done.SetEquals(read), $"done {done.Count}, read done {read.Count}; missing {string.Join(",", done.Except(read).Take(5))}, extra {string.Join(",", read.Except(done).Take(5))}");
        Assert.Equal((done.Count, (long)done.Count * ShardSize, 0L), (job.ShardsDone, job.ImagesSucceeded, job.ImagesFailed));
        var next = job.Progress.NextNotDone(0, Shards);
        Assert.Equal(Enumerable.Range(0, Shards).First(s => !done.Contains(s)), next);
    }

    private static void Commit(JobRecord job, int shard) => job.MarkShardDone(shard, new ShardReport(ShardSize, 0));
}
