namespace Fleet.Jobs.Progress;

/// <summary>
/// Which shards of a job are done, their counters and the sparse counts of shards in trouble, as
/// <see cref="ProgressSegment"/>s of 16,384 shards each; every change marks its segment dirty, and a checkpoint writes
/// only the dirty ones (<see cref="ShardProgressStore"/>). A segment in <see cref="Full"/> may be unread (every shard
/// of it known done without reading it); it must be read (<see cref="Load"/>) and leave that set before it can change.
/// Pure bookkeeping, no I/O.
/// </summary>
public sealed class ShardProgress
{
    /// <summary>Null: a full segment that was not read.</summary>
    private readonly List<ProgressSegment?> _segments = [];
    private readonly SortedSet<int> _dirty = [];

    /// <summary>The succeeded and failed images of the unread full segments.</summary>
    private long _unreadImages;
    private long _unreadFailed;

    public int SegmentCount => _segments.Count;

    /// <summary>The job record's set of full segments (<see cref="JobRecord.FullSegments"/>): none of them may change.</summary>
    public FullSegments Full { get; set; } = new();

    /// <summary>True when segment <paramref name="index"/> is full and was not read.</summary>
    public bool IsUnread(int index) => index < _segments.Count && _segments[index] is null;

    /// <summary>Segments changed since they were last taken for a write.</summary>
    public IReadOnlyCollection<int> Dirty => _dirty;

    public int ShardsDone => _segments.Sum(s => s?.ShardsDone ?? ProgressSegment.Shards);
    public long ImagesSucceeded => _unreadImages + _segments.Sum(s => s?.ImagesSucceeded ?? 0);
    public long ImagesFailed => _unreadFailed + _segments.Sum(s => s?.ImagesFailed ?? 0);

    public static int SegmentOf(int shard) => shard / ProgressSegment.Shards;

    /// <summary>The stored segment <paramref name="index"/>, as read back (not dirty).</summary>
    public void Load(int index, ProgressSegment segment)
    {
        Grow(index);
        if (_segments[index] is null)
        {
            _unreadImages -= segment.ImagesSucceeded;
            _unreadFailed -= segment.ImagesFailed;
        }
        _segments[index] = segment;
    }

    /// <summary>
    /// The full segments not read (their shards all done): <paramref name="full"/> becomes <see cref="Full"/>, its
    /// segments below <paramref name="segments"/> are known done without their entries.
    /// </summary>
    public void SkipFull(FullSegments full, int segments)
    {
        Full = full;
        _unreadImages = full.Images;
        _unreadFailed = full.ImagesFailed;
        foreach (var index in full.Segments())
        {
            if (index >= segments)
                break;
            Grow(index);
            _segments[index] = null;
        }
    }

    /// <summary>True when segment <paramref name="index"/> is read, full and written as it is: it may join <see cref="Full"/>.</summary>
    public bool IsFullAndWritten(int index) => index < _segments.Count && _segments[index] is { } segment && segment.IsFull() && !_dirty.Contains(index);

    /// <summary>The succeeded and failed images of segment <paramref name="index"/>, which is read.</summary>
    public (long Succeeded, long Failed) ImagesIn(int index) => (_segments[index]!.ImagesSucceeded, _segments[index]!.ImagesFailed);

    public bool IsDone(int shard) => SegmentOf(shard) < _segments.Count && (_segments[SegmentOf(shard)]?.IsDone(shard % ProgressSegment.Shards) ?? true);

    /// <summary>The shard committed with <paramref name="succeeded"/> rows and <paramref name="failed"/> error rows; its attempts are forgotten. False when it was done already.</summary>
    public bool MarkDone(int shard, long succeeded, int failed)
    {
        if (IsDone(shard))
            return false;
        var segment = Changing(shard);
        if (!segment.SetDone(shard % ProgressSegment.Shards))
            return false;
        segment.ShardsDone++;
        segment.ImagesSucceeded += succeeded;
        segment.ImagesFailed += failed;
        segment.Attempts.Remove(shard);
        if (failed > 0)
            segment.FailedByShard[shard] = failed;
        return true;
    }

    /// <summary>Makes a done shard of <paramref name="images"/> images runnable again, taking them back out of the counters. False when it was not done.</summary>
    public bool Reopen(int shard, long images)
    {
        if (!IsDone(shard))
            return false;
        var segment = Changing(shard);
        segment.ClearDone(shard % ProgressSegment.Shards);
        var failed = segment.FailedByShard.Remove(shard, out var f) ? f : 0;
        segment.ShardsDone--;
        segment.ImagesFailed -= failed;
        segment.ImagesSucceeded -= images - failed;
        return true;
    }

    public int FailedImages(int shard) => SegmentOf(shard) < _segments.Count ? _segments[SegmentOf(shard)]?.FailedByShard.GetValueOrDefault(shard) ?? 0 : 0;

    /// <summary>Done shards with error rows, in shard order. An unread full segment holding some must be read first (<see cref="ShardProgressStore.LoadFailuresAsync"/>).</summary>
    public IEnumerable<int> ShardsWithFailures()
    {
        if (Enumerable.Range(0, _segments.Count).FirstOrDefault(i => _segments[i] is null && Full.HasFailures(i), -1) is var unread and >= 0)
            throw new InvalidOperationException($"progress segment {unread} holds failed images but was not read (ShardProgressStore.LoadFailuresAsync)");
        return _segments.SelectMany(s => s?.FailedByShard.Keys.Order() ?? Enumerable.Empty<int>()).ToArray();
    }

    public int AttemptsOf(int shard) => SegmentOf(shard) < _segments.Count ? _segments[SegmentOf(shard)]?.Attempts.GetValueOrDefault(shard) ?? 0 : 0;

    public bool HasAttempts(int shard) => AttemptsOf(shard) > 0;

    /// <summary>One more failed attempt for <paramref name="shard"/>; returns how many it has.</summary>
    public int AttemptFailed(int shard)
    {
        // A done shard of a full segment has no lease to fail (a commit ends them all); nothing is counted against it.
        if (Full.Contains(SegmentOf(shard)))
            return 0;
        var segment = Changing(shard);
        return segment.Attempts[shard] = segment.Attempts.GetValueOrDefault(shard) + 1;
    }

    /// <summary>Every shard's attempts start over (a resume).</summary>
    public void ClearAttempts()
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            if (_segments[i] is not { Attempts.Count: > 0 } segment)
                continue;
            segment.Attempts.Clear();
            _dirty.Add(i);
        }
    }

    /// <summary>Every shard's attempt count (sparse), for tests and logs.</summary>
    public IReadOnlyDictionary<int, int> Attempts() => _segments.SelectMany(s => s?.Attempts ?? []).ToDictionary();

    /// <summary>The first shard at or after <paramref name="shard"/> and before <paramref name="end"/> that is not done; <paramref name="end"/> when none.</summary>
    public int NextNotDone(int shard, int end)
    {
        while (shard < end)
        {
            var index = SegmentOf(shard);
            if (index >= _segments.Count)
                return shard;
            var next = index * ProgressSegment.Shards + (_segments[index]?.NextNotDone(shard % ProgressSegment.Shards) ?? ProgressSegment.Shards);
            if (next < (index + 1) * ProgressSegment.Shards)
                return Math.Min(next, end);
            shard = next;
        }
        return end;
    }

    /// <summary>Copies of the dirty segments, which are clean from now on: what a checkpoint writes.</summary>
    public IReadOnlyList<(int Index, ProgressSegment Segment)> TakeDirty()
    {
        var taken = _dirty.Select(i => (i, _segments[i]!.Copy())).ToArray();
        _dirty.Clear();
        return taken;
    }

    /// <summary>A segment whose write failed: the next checkpoint writes it again.</summary>
    public void MarkDirty(int index) => _dirty.Add(index);

    /// <summary>
    /// The progress a record written before segments kept in itself (one bitmap and two dictionaries for the whole
    /// job), every segment that holds any of it dirty so the next checkpoint moves it into segment entries.
    /// </summary>
    public static ShardProgress FromRecord(byte[] done, IReadOnlyDictionary<int, int> failedByShard, IReadOnlyDictionary<int, int> attempts, Func<int, long> imagesInShard)
    {
        var progress = new ShardProgress();
        for (var shard = 0; shard < done.Length * 8; shard++)
        {
            if ((done[shard / 8] & (1 << (shard % 8))) == 0)
                continue;
            var failed = failedByShard.GetValueOrDefault(shard);
            progress.MarkDone(shard, imagesInShard(shard) - failed, failed);
        }
        foreach (var (shard, count) in attempts)
            progress.Changing(shard).Attempts[shard] = count;
        return progress;
    }

    private ProgressSegment Changing(int shard)
    {
        var index = SegmentOf(shard);
        // A record that says the segment is full must be written without it before the segment changes: else a crash
        // between the segment's write and the record's leaves a record whose full segment is not (and is never read).
        if (Full.Contains(index))
            throw new InvalidOperationException($"progress segment {index} is full: take it out of the record's full segments (ShardProgressStore.LoadAsync) and write the record before changing it");
        Grow(index);
        _dirty.Add(index);
        return _segments[index]!;
    }

    private void Grow(int index)
    {
        while (_segments.Count <= index)
            _segments.Add(new ProgressSegment());
    }
}
