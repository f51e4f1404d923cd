using Orleans.Storage;

namespace Fleet.Jobs.Progress;

/// <summary>
/// A job's <see cref="ShardProgress"/> in grain storage beside its record: one entry per segment
/// (<c>job-progress-{n}</c>, each with its own etag), read once on activation and written only when dirty, so a
/// checkpoint writes the segments that changed, never the whole job.
/// </summary>
public sealed class ShardProgressStore(IGrainStorage storage, GrainId grain)
{
    /// <summary>Segments read or written at once (an activation of a 10M-shard job reads ~610).</summary>
    private const int Parallel = 16;

    private readonly Dictionary<int, string?> _etags = [];

    public static string StateName(int segment) => $"job-progress-{segment}";

    /// <summary>Segment entries this store wrote.</summary>
    public long SegmentsWritten { get; private set; }

    /// <summary>Reads segments 0 to <paramref name="segments"/> - 1 (one never written reads as empty) and remembers their etags.</summary>
    public async Task<ShardProgress> ReadAsync(int segments)
    {
        var progress = new ShardProgress();
        using var gate = new SemaphoreSlim(Parallel);
        var read = await Task.WhenAll(Enumerable.Range(0, segments).Select(async index =>
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
        foreach (var (index, state) in read)
        {
            _etags[index] = state.ETag;
            progress.Load(index, state.State ?? new ProgressSegment());
        }
        return progress;
    }

    /// <summary>Writes the dirty segments; one that fails stays dirty for the next checkpoint, and the failure is thrown.</summary>
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
