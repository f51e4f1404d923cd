using Fleet.Contracts;

namespace Fleet.Jobs.Planning;

/// <summary>
/// The plan of a text manifest split by byte ranges (<see cref="ManifestSlicePlanner"/>): no shard manifest exists, a
/// shard is a slice of the pinned manifest version. A small manifest, read whole while planning, has exact
/// <see cref="Bounds"/> (every shard but the last holds the spec's shard size, as a listed plan would); a large one has
/// slices of <see cref="SliceBytes"/> each, whose image counts are known only once their workers have read them, so
/// the job's image total is an estimate (<see cref="EstimatedImages"/>) until every shard is done.
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
    [Id(5)] public required int Shards { get; init; }

    /// <summary>The manifest's images: exact with <see cref="Bounds"/>, from the sampled line length otherwise.</summary>
    [Id(6)] public required long EstimatedImages { get; init; }

    /// <summary>
    /// Images of done slices that may run again (those with failed images, which a resume re-opens, and those the
    /// finisher found without a part): what to take back out of the counters. Sparse, emptied as they are re-opened.
    /// </summary>
    [Id(7)] public Dictionary<int, int> ImagesByShard { get; set; } = [];

    public bool Exact => Bounds is not null;

    public ManifestSlice Slice(int shard) => new()
    {
        Start = Bounds is { } bounds ? bounds[shard] : DataStart + shard * SliceBytes,
        End = Bounds is { } exact ? exact[shard + 1] : Math.Min(Size, DataStart + (shard + 1) * SliceBytes),
        Version = Version,
        DataStart = DataStart,
    };

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
    /// rest, so it is exact once every shard is done.
    /// </summary>
    public long ImagesTotal(long imagesDone, int shardsDone) =>
        Exact ? EstimatedImages : imagesDone + (long)Math.Round((double)EstimatedImages / Shards * (Shards - shardsDone));
}
