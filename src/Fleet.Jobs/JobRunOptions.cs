namespace Fleet.Jobs;

/// <summary>How jobs hand out work (bound from Fleet:Jobs).</summary>
public sealed record JobRunOptions
{
    public const string SectionName = "Fleet:Jobs";

    /// <summary>How long a lease lives without a renewal; workers renew well before.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A tail shard leased longer than this (and longer than twice the typical shard time) may be leased again to an idle worker.</summary>
    public TimeSpan SpeculateAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A shard whose processing fails this many times fails the job (with the last error as the reason).</summary>
    public int MaxShardAttempts { get; set; } = 5;

    /// <summary>
    /// After this many expired leases (workers lost mid-shard) a shard runs one image at a time, so the image that stops
    /// workers is found instead of the shard looping or failing the job.
    /// </summary>
    public int IsolateAfter { get; set; } = 2;

    /// <summary>An image in flight at this many lost workers is poison: an error row, and the rest of its shard goes on.</summary>
    public int PoisonAfter { get; set; } = 2;

    /// <summary>Most time between progress checkpoints (the grain state is also written at every state change).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Period of the reminder that re-activates a running job after its silo died.</summary>
    public TimeSpan KeepAlivePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hand leases to workers before their checkpoint lands, so a job is not capped at one lease per storage write
    /// (fleet-bench lease-rate). Only a lease that must be persisted first waits (<c>ShardScheduler.MustPersistFirst</c>:
    /// a worker on the job grain's own silo taking a shard in trouble). Off: every lease waits for its write.
    /// </summary>
    public bool WriteLeasesBehind { get; set; } = true;

    /// <summary>
    /// Size the shards of a text manifest planned by byte ranges by their measured time, not the spec's images per
    /// shard (which only sizes the first ones): a 100M-image job of fast images then carries thousands of shards, not
    /// 1.5M (each a lease, a commit, a part and a bit of state), and a slow dataset no hour-long shards. The control
    /// plane benches turn it off to measure per shard at a fixed size. Off, a plan keeps its slices; a plan of shard
    /// manifests (a listed prefix, a tar set) or one read whole while planning is never resized.
    /// </summary>
    public bool AdaptiveShardSize { get; set; } = true;

    /// <summary>
    /// The worker time a resized shard aims at: long enough that a lease, commit and part per shard cost little beside
    /// it, short enough that a lost worker or a straggling tail shard costs little to redo.
    /// </summary>
    public TimeSpan TargetShardTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The smallest slice a resize makes (a slice holds whole lines, so at least one).</summary>
    public long MinSliceBytes { get; set; } = 1024;

    /// <summary>
    /// The largest slice a resize makes: a worker reads its slice whole and holds its URIs in memory, and a shard is
    /// what a lost worker redoes, so however fast the images a shard stays bounded.
    /// </summary>
    public long MaxSliceBytes { get; set; } = 64L * 1024 * 1024;
}
