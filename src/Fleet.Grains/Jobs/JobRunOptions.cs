namespace Fleet.Grains.Jobs;

/// <summary>How a silo runs the shards of the jobs it hosts (bound from Fleet:Jobs).</summary>
public sealed record JobRunOptions
{
    /// <summary>Shards processed at once on this silo; each shard already decodes on every core.</summary>
    public int ParallelShards { get; set; } = 2;

    /// <summary>Minimum time between progress checkpoints while shards complete (the final one is always written).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
