namespace Fleet.Jobs.Planning;

/// <summary>A shard whose manifest is written: it may be leased; planning resumes after <see cref="Checkpoint"/>.</summary>
public sealed record PlannedShard(int Shard, int Images, string Checkpoint);
