namespace Fleet.Contracts;

/// <summary>
/// What a worker committed for a shard: images labeled and images written as error rows, and which classifier ran on
/// which ONNX Runtime provider, and how long it took (a job with the "auto" classifier may run different models on CPU and GPU silos).
/// </summary>
[GenerateSerializer, Alias("fleet.ShardReport")]
public sealed record ShardReport([property: Id(0)] int Succeeded, [property: Id(1)] int Failed)
{
    [Id(2)] public string? Classifier { get; init; }
    [Id(3)] public string? Provider { get; init; }

    /// <summary>
    /// The worker's seconds on the shard (read, label, stage), what adaptive shard sizing measures; 0 when unknown (a
    /// worker from before it was sent, a stand-in), and such a report is not a sample.
    /// </summary>
    [Id(4)] public double Seconds { get; init; }
}
