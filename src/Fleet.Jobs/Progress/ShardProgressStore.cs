using Orleans.Storage;

namespace Fleet.Jobs.Progress;

/// <summary>
/// A job's <see cref="ShardProgress"/> in grain storage beside its record: one entry per segment
/// (<c>job-progress-{n}</c>, each with its own etag), written only when dirty, so a checkpoint writes the segments that
/// changed, never the whole job. An activation reads only what it needs (<see cref="ReadAsync(JobRecord)"/>): not the
/// full segments (<see cref="JobRecord.FullSegments"/>), read only when one of their shards must change
/// (<see cref="LoadAsync"/>), and not the segments the record says were never written (<see cref="JobRecord.SegmentsNamed"/>).
/// </summary>
public sealed class ShardProgressStore(IGrainStorage storage, GrainId grain)
{
    /// <summary>Segments read or written at once (an activation of a 10M-shard job reads ~610).</summary>
    private const int Parallel = 16;

    private readonly Dictionary<int, string?> _etags = [];

    public static string StateName(int segment) => $"job-progress-{segment}";

    /// <summary>Segment entries this store wrote.</summary>
    public long SegmentsWritten { get; private set; }

    /// <summary>Segment entries this store read.</summary>
    public long SegmentsRead { get; private set; }

    /// <summary>Reads segments 0 to <paramref name="segments"/> - 1 (one never written reads as empty) and remembers their etags.</summary>
    public async Task<ShardProgress> ReadAsync(int segments)
    {
        var progress = new ShardProgress();
        foreach (var (index, segment) in await ReadSegmentsAsync(Enumerable.Range(0, segments)))
            progress.Load(index, segment);
        return progress;
    }

    /// <summary>
    /// What an activation of <paramref name="job"/> needs: the segments its record names (every one ever written is, see
    /// <see cref="CheckpointAsync"/>) but its full ones, which are known done unread. For a record from before
    /// <see cref="JobRecord.SegmentsNamed"/>, every segment of its plan.
    /// </summary>
    public async Task<ShardProgress> ReadAsync(JobRecord job)
    {
        var segments = job.SegmentsNamed ?? job.ProgressSegmentCount;
        var progress = new ShardProgress();
        progress.SkipFull(job.FullSegments, segments);
        foreach (var (index, segment) in await ReadSegmentsAsync(Enumerable.Range(0, segments).Where(i => !job.FullSegments.Contains(i))))
        {
            progress.Load(index, segment);
            // Written full, but the record that would have said so was lost: it says so from now on.
            if (segment.IsFull())
                job.FullSegments.Add(index, segment.ImagesSucceeded, segment.ImagesFailed);
        }
        return progress;
    }

    /// <summary>
    /// Makes the segments of <paramref name="shards"/> changeable: each that is full is read if it was not, and leaves
    /// the record's full segments. True when any did: the caller writes the record (without them) before changing any
    /// of them, so a crash never leaves a record that calls a changed segment full.
    /// </summary>
    public Task<bool> LoadAsync(JobRecord job, IEnumerable<int> shards) =>
        LoadSegmentsAsync(job, shards.Select(ShardProgress.SegmentOf).Distinct().Where(job.FullSegments.Contains).Order().ToArray());

    /// <summary>
    /// What a user's resume needs (it re-opens every shard with failed images): the full segments holding failed images,
    /// read and out of the record's full segments. True when any was: the caller writes the record before the resume.
    /// </summary>
    public Task<bool> LoadFailuresAsync(JobRecord job) => LoadSegmentsAsync(job, job.FullSegments.SegmentsWithFailures().ToArray());

    private async Task<bool> LoadSegmentsAsync(JobRecord job, int[] full)
    {
        var progress = job.Progress;
        if (full.Length == 0)
            return false;
        foreach (var (index, segment) in await ReadSegmentsAsync(full.Where(progress.IsUnread)))
            progress.Load(index, segment);
        foreach (var index in full)
        {
            var (succeeded, failed) = progress.ImagesIn(index);
            job.FullSegments.Remove(index, succeeded, failed);
        }
        return true;
    }

    /// <summary>
    /// One checkpoint of <paramref name="job"/>: the dirty segments, then the record (<paramref name="writeRecord"/>),
    /// whose counters follow them. A dirty segment past those the record names is first named in a record write of its
    /// own, so an activation that reads only the named segments never misses a stored one (nor writes over it blind).
    /// </summary>
    public async Task CheckpointAsync(JobRecord job, Func<Task> writeRecord)
    {
        var named = job.SegmentsNamed;
        if (job.NameSegments(job.Progress.Dirty))
        {
            try
            {
                await writeRecord();
            }
            catch
            {
                // Not known to be stored: the next checkpoint names them again first.
                job.SegmentsNamed = named;
                throw;
            }
        }
        await WriteDirtyAsync(job.Progress);
        await writeRecord();
    }

    private async Task<IReadOnlyList<(int Index, ProgressSegment Segment)>> ReadSegmentsAsync(IEnumerable<int> segments)
    {
        using var gate = new SemaphoreSlim(Parallel);
        var read = await Task.WhenAll(segments.Select(async index =>
        {
            await gate.WaitAsync();
            try
            {
                var state = new GrainState<ProgressSegment>(new ProgressSegment());
                await storage.ReadStateAsync(StateName(index), grain, state);
                return (index, state);
            }
            finally
            {
                gate.Release();
            }
        }));
        SegmentsRead += read.Length;
        foreach (var (index, state) in read)
            _etags[index] = state.ETag;
        return read.Select(r => (r.index, r.state.State ?? new ProgressSegment())).ToArray();
    }

    /// <summary>
    /// Writes the dirty segments; one that fails stays dirty for the next checkpoint, and the failure is thrown. A
    /// segment written full joins the full segments (<see cref="ShardProgress.Full"/>), for the record written after it.
    /// </summary>
    public async Task WriteDirtyAsync(ShardProgress progress)
    {
        var dirty = progress.TakeDirty();
        if (dirty.Count == 0)
            return;
        using var gate = new SemaphoreSlim(Parallel);
        await Task.WhenAll(dirty.Select(async d =>
        {
            await gate.WaitAsync();
            try
            {
                var state = new GrainState<ProgressSegment>(d.Segment, _etags.GetValueOrDefault(d.Index));
                await storage.WriteStateAsync(StateName(d.Index), grain, state);
                _etags[d.Index] = state.ETag;
                SegmentsWritten++;
                // Full as written, and not changed since: the record written next may call it full.
                if (d.Segment.IsFull() && progress.IsFullAndWritten(d.Index))
                    progress.Full.Add(d.Index, d.Segment.ImagesSucceeded, d.Segment.ImagesFailed);
            }
            catch
            {
                progress.MarkDirty(d.Index);
                throw;
            }
            finally
            {
                gate.Release();
            }
        }));
    }
}
