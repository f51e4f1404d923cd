using Fleet.Contracts;

namespace Fleet.Jobs.Planning;

/// <summary>
/// The plan of a text manifest split by byte ranges (<see cref="ManifestSlicePlanner"/>): no shard manifest exists, a
/// shard is a slice of the pinned manifest version. A small manifest, read whole while planning, has exact
/// <see cref="Bounds"/> (every shard but the last holds the spec's shard size, as a listed plan would); a large one has
/// slices of <see cref="SliceBytes"/> each, whose image counts are known only once their workers have read them, so
/// the job's image total is an estimate (<see cref="EstimatedImages"/>) until every shard is done. Such a plan can be
/// resized while it runs (<see cref="Resize"/>, adaptive shard size): each resize is a <see cref="SliceStep"/> kept in
/// the plan, so a shard's slice stays a pure function of the persisted plan and a re-activation reads the same slices.
/// </summary>
[GenerateSerializer, Alias("fleet.ManifestPlan")]
public sealed class ManifestPlan
{
    /// <summary>The manifest version every slice is read at (<see cref="ManifestSlice.Version"/>).</summary>
    [Id(0)] public required string Version { get; init; }
    [Id(1)] public required long Size { get; init; }

    /// <summary>Where entries start (after a CSV header).</summary>
    [Id(2)] public long DataStart { get; init; }

    /// <summary>The bytes of each slice but the last, without <see cref="Bounds"/>.</summary>
    [Id(3)] public long SliceBytes { get; init; }

    /// <summary>Exact slice starts (one per shard, then <see cref="Size"/>), for a manifest read whole while planning; null otherwise.</summary>
    [Id(4)] public long[]? Bounds { get; init; }
    /// <summary>The plan's shards (a resize changes how many).</summary>
    [Id(5)] public required int Shards { get; set; }

    /// <summary>The manifest's images: exact with <see cref="Bounds"/>, from the sampled line length otherwise.</summary>
    [Id(6)] public required long EstimatedImages { get; init; }

    /// <summary>
    /// Images of done slices that may run again (those with failed images, which a resume re-opens, and those the
    /// finisher found without a part): what to take back out of the counters. Sparse, emptied as they are re-opened.
    /// </summary>
    [Id(7)] public Dictionary<int, int> ImagesByShard { get; set; } = [];

    /// <summary>
    /// Resizes, in order: from <see cref="SliceStep.FromShard"/> on, slices of <see cref="SliceStep.SliceBytes"/> from
    /// <see cref="SliceStep.Start"/> (where the slice before ended). Empty for a plan never resized (and one from before
    /// resizing: such a plan has no <see cref="LeaseLimit"/> either and is never resized).
    /// </summary>
    [Id(8)] public List<SliceStep> Steps { get; set; } = [];

    /// <summary>
    /// The highest shard that may be leased before the next persisted write (-1: none yet). Shards up to it may have
    /// been handed out, so their slices are fixed; a resize applies only to the shards past it. Null: not kept (an
    /// exact plan, a plan from before resizing, or a job that leased on with adaptive sizing off), so never resized.
    /// </summary>
    [Id(9)] public int? LeaseLimit { get; set; }

    /// <summary>The most shards a resize may make (<c>Fleet:Limits:MaxShardsPerJob</c> when planned); 0: no resize may add shards.</summary>
    [Id(10)] public int MaxShards { get; set; }

    public bool Exact => Bounds is not null;

    /// <summary>The manifest's entry bytes (after any header).</summary>
    public long DataBytes => Size - DataStart;

    /// <summary>The slice bytes of the shards from <see cref="LeaseLimit"/> on: what a resize starts from.</summary>
    public long CurrentSliceBytes => Steps.Count > 0 ? Steps[^1].SliceBytes : SliceBytes;

    /// <summary>The byte range of <paramref name="shard"/>: a pure function of this plan (its bounds, or its slice size and steps).</summary>
    public ManifestSlice Slice(int shard)
    {
        long start, end;
        if (Bounds is { } bounds)
        {
            start = bounds[shard];
            end = bounds[shard + 1];
        }
        else
        {
            var (from, first, bytes) = StepOf(shard);
            start = first + (shard - from) * bytes;
            end = Math.Min(Size, start + bytes);
        }
        return new() { Start = start, End = end, Version = Version, DataStart = DataStart };
    }

    /// <summary>
    /// From <paramref name="fromShard"/> on (no shard of which was handed out), slices of <paramref name="sliceBytes"/>:
    /// a step is appended and the plan's shard count follows. Shards before it keep their slices. Returns the new count.
    /// </summary>
    public int Resize(int fromShard, long sliceBytes)
    {
        if (Exact)
            throw new InvalidOperationException("an exact plan is not resized");
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromShard, Shards);
        if (Steps.Count > 0)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(fromShard, Steps[^1].FromShard);
        ArgumentOutOfRangeException.ThrowIfNegative(fromShard);
        var start = StartOf(fromShard);
        if (start >= Size)
            return Shards;
        var shards = ShardsIfResized(fromShard, sliceBytes);
        Steps.Add(new SliceStep(fromShard, start, sliceBytes));
        Shards = (int)Math.Min(int.MaxValue, shards);
        return Shards;
    }

    /// <summary>The shards a resize from <paramref name="fromShard"/> to <paramref name="sliceBytes"/> would leave.</summary>
    public long ShardsIfResized(int fromShard, long sliceBytes) =>
        fromShard + Math.Max(0, (Size - StartOf(fromShard) + sliceBytes - 1) / sliceBytes);

    /// <summary>Where <paramref name="shard"/>'s slice starts after a resize from it: where the slice before it ends.</summary>
    private long StartOf(int shard) => shard == 0 ? DataStart : Slice(shard - 1).End;

    /// <summary>The bytes of <paramref name="shard"/>'s slice.</summary>
    public long BytesOf(int shard) => Slice(shard) is var slice ? slice.End - slice.Start : 0;

    private (int From, long Start, long Bytes) StepOf(int shard)
    {
        for (var i = Steps.Count - 1; i >= 0; i--)
        {
            if (Steps[i].FromShard <= shard)
                return (Steps[i].FromShard, Steps[i].Start, Steps[i].SliceBytes);
        }
        return (0, DataStart, SliceBytes);
    }

    /// <summary>The images of a done slice, where only its worker knew them; null for an exact plan (the spec's shard size says).</summary>
    public int? ImagesIn(int shard) => Exact ? null : ImagesByShard.GetValueOrDefault(shard);

    /// <summary>A slice was committed with <paramref name="report"/>: kept if a resume may re-open it.</summary>
    public void Committed(int shard, ShardReport report)
    {
        if (!Exact && report.Failed > 0)
            ImagesByShard[shard] = report.Succeeded + report.Failed;
    }

    /// <summary>
    /// The job's image total: exact for an exact plan; otherwise what done shards reported plus the estimate for the
    /// bytes not yet done (<paramref name="bytesDone"/>: the slice bytes of done shards), so it is exact once every
    /// shard is done. By bytes, not shards: after a resize the shards left are of another size.
    /// </summary>
    public long ImagesTotal(long imagesDone, int shardsDone, long bytesDone)
    {
        if (Exact)
            return EstimatedImages;
        if (shardsDone >= Shards || DataBytes <= 0)
            return imagesDone;
        var left = Math.Clamp(DataBytes - bytesDone, 0, DataBytes);
        return imagesDone + (long)Math.Round((double)EstimatedImages * left / DataBytes);
    }
}

/// <summary>A resize of a byte-range plan: from <paramref name="FromShard"/> on, slices of <paramref name="SliceBytes"/> starting at <paramref name="Start"/>.</summary>
[GenerateSerializer, Alias("fleet.SliceStep")]
public sealed record SliceStep([property: Id(0)] int FromShard, [property: Id(1)] long Start, [property: Id(2)] long SliceBytes);
