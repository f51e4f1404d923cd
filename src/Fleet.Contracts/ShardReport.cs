namespace Fleet.Contracts;

/// <summary>
/// What a worker committed for a shard: images labeled and images written as error rows, and which classifier ran on
/// which ONNX Runtime provider (a job with the "auto" classifier may run different models on CPU and GPU silos).
/// </summary>
[GenerateSerializer, Alias("fleet.ShardReport")]
public sealed record ShardReport([property: Id(0)] int Succeeded, [property: Id(1)] int Failed)
{
    [Id(2)] public string? Classifier { get; init; }
    [Id(3)] public string? Provider { get; init; }
}
