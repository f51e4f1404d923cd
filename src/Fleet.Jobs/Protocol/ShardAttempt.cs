namespace Fleet.Jobs.Protocol;

/// <summary>A failed attempt on a shard, and whether the shard has now failed more often than a job tolerates (the job fails).</summary>
public sealed record ShardAttempt(int Shard, int Attempts, bool Exhausted);
