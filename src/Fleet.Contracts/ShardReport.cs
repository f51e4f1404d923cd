namespace Fleet.Contracts;

/// <summary>What a worker committed for a shard: images labeled and images written as error rows.</summary>
[GenerateSerializer, Alias("fleet.ShardReport")]
public sealed record ShardReport([property: Id(0)] int Succeeded, [property: Id(1)] int Failed);
