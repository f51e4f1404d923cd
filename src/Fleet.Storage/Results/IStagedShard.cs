namespace Fleet.Storage.Results;

/// <summary>A shard's rows written where no reader sees them; <see cref="CommitAsync"/> makes them the shard's part.</summary>
public interface IStagedShard
{
    /// <summary>
    /// Publishes the staged rows as the shard's part (and error part). Throws <see cref="ShardSupersededException"/>
    /// when another attempt's commit discarded what this one staged.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>Drops what was staged (a refused commit).</summary>
    Task DiscardAsync(CancellationToken cancellationToken);
}
