using Fleet.Contracts;
using Fleet.Storage.Results;

namespace Fleet.Worker.Labeling;

/// <summary>A shard's rows, staged but not yet visible, and the counts to report once they are committed.</summary>
public sealed record ProcessedShard(IStagedShard Staged, ShardReport Report);
