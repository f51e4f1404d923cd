namespace Fleet.Contracts;

/// <summary>
/// Permission for one worker to run one shard until <see cref="ExpiresAt"/> (renewed while it works).
/// Only the holder of a current lease may commit the shard; a report for an expired or superseded lease is ignored.
/// </summary>
[GenerateSerializer, Alias("fleet.ShardLease")]
public sealed record ShardLease
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required int Shard { get; init; }
    [Id(2)] public required Guid LeaseId { get; init; }
    [Id(3)] public required DateTimeOffset ExpiresAt { get; init; }
    [Id(4)] public required JobSpec Spec { get; init; }
    /// <summary>A second lease on a straggling tail shard; whichever copy commits first wins.</summary>
    [Id(5)] public bool Speculative { get; init; }

    /// <summary>
    /// A suspect shard (earlier leases expired with their workers): run it one image at a time and tell the job each
    /// image before touching it (<see cref="IShardLeaseGrain.RecordProgress"/>), so an image that stops workers is named.
    /// </summary>
    [Id(6)] public bool Isolate { get; init; }

    /// <summary>Positions in the shard's manifest of images that stopped workers: written as error rows, never read again.</summary>
    [Id(7)] public IReadOnlyList<int> Poisoned { get; init; } = [];

    /// <summary>The job's trace (W3C traceparent of its submit): the worker's shard span is a child of it.</summary>
    [Id(8)] public string? TraceParent { get; init; }

    /// <summary>The shard's byte range of the job's text manifest, read directly; null for a shard with a shard manifest.</summary>
    [Id(9)] public ManifestSlice? Slice { get; init; }

    /// <summary>The item an isolated worker reports once its last image is done (it stages and commits next): nothing is in flight.</summary>
    public const int PastLastImage = -1;

    /// <summary>What the worker shows the job when it renews, commits, reports or gives up this lease.</summary>
    public LeaseToken Token => new(Shard, LeaseId);
}
