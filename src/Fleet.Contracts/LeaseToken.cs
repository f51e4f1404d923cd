namespace Fleet.Contracts;

/// <summary>Names one lease on one shard: what a worker shows the job for every call about that lease.</summary>
[GenerateSerializer, Alias("fleet.LeaseToken")]
public sealed record LeaseToken([property: Id(0)] int Shard, [property: Id(1)] Guid LeaseId);
