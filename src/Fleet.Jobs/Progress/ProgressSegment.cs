namespace Fleet.Jobs.Progress;

/// <summary>
/// The progress of 16,384 consecutive shards, persisted as one grain-storage entry of its own
/// (<see cref="ShardProgressStore"/>): their done bits, the counters they add to the job's, and the sparse per-shard
/// counts of the ones that failed images or attempts. A commit rewrites only its shard's segment, so a checkpoint costs
/// what changed, not what the job has done. The counters live here, beside the bits they count, so a crash between two
/// segment writes can never leave a done bit uncounted or a count without its bit.
/// </summary>
[GenerateSerializer, Alias("fleet.ProgressSegment")]
public sealed class ProgressSegment
{
    public const int Shards = 16_384;

    /// <summary>One bit per shard of the segment, grown as shards commit (at most <see cref="Shards"/> / 8 bytes).</summary>
    [Id(0)] public byte[] Done { get; set; } = [];
    [Id(1)] public int ShardsDone { get; set; }
    [Id(2)] public long ImagesSucceeded { get; set; }
    [Id(3)] public long ImagesFailed { get; set; }
    /// <summary>Failed-image counts of the segment's done shards that had any (by shard number): a resume re-opens them.</summary>
    [Id(4)] public Dictionary<int, int> FailedByShard { get; set; } = [];
    /// <summary>Failed attempts of the segment's shards not yet committed (by shard number); a commit removes its entry.</summary>
    [Id(5)] public Dictionary<int, int> Attempts { get; set; } = [];

    /// <summary>Every shard done, none with attempts: nothing in it changes but a shard re-opened, by the finisher or (one with failed images) a resume (<see cref="FullSegments"/>).</summary>
    public bool IsFull() => ShardsDone == Shards && Attempts.Count == 0;

    public bool IsDone(int offset) => offset / 8 < Done.Length && (Done[offset / 8] & (1 << (offset % 8))) != 0;

    /// <summary>Sets the bit; false when it was set already.</summary>
    public bool SetDone(int offset)
    {
        if (IsDone(offset))
            return false;
        if (offset / 8 >= Done.Length)
        {
            var grown = Done;
            Array.Resize(ref grown, Math.Min(Shards / 8, Math.Max(offset / 8 + 1, Done.Length * 2)));
            Done = grown;
        }
        Done[offset / 8] |= (byte)(1 << (offset % 8));
        return true;
    }

    /// <summary>Clears the bit; false when it was not set.</summary>
    public bool ClearDone(int offset)
    {
        if (!IsDone(offset))
            return false;
        Done[offset / 8] &= (byte)~(1 << (offset % 8));
        return true;
    }

    /// <summary>The first offset at or after <paramref name="offset"/> whose bit is clear (whole done bytes skipped at once).</summary>
    public int NextNotDone(int offset)
    {
        while (offset < Shards)
        {
            if (offset / 8 >= Done.Length)
                return offset;
            if (offset % 8 == 0 && Done[offset / 8] == 0xFF)
            {
                offset += 8;
                continue;
            }
            if (!IsDone(offset))
                return offset;
            offset++;
        }
        return offset;
    }

    /// <summary>A copy to hand to storage, so a change made while the write is in flight cannot tear it.</summary>
    public ProgressSegment Copy() => new()
    {
        Done = (byte[])Done.Clone(),
        ShardsDone = ShardsDone,
        ImagesSucceeded = ImagesSucceeded,
        ImagesFailed = ImagesFailed,
        FailedByShard = new(FailedByShard),
        Attempts = new(Attempts),
    };
}
