namespace Fleet.Grains.Labeling;

/// <summary>How a committed shard went: images labeled and images that became error rows.</summary>
public sealed record ShardOutcome(int Succeeded, int Failed);
