namespace Fleet.Storage.Shards;

/// <summary>
/// Shard manifests ({jobId}/shards/{n:D6}.json: the item URIs of one shard): grains pass shard numbers, never lists
/// of images, and any silo can pick a shard up. Blob storage in a fleet (<see cref="ShardManifestStore"/>).
/// </summary>
public interface IShardManifestStore
{
    Task WriteAsync(string jobId, int shard, IReadOnlyList<string> itemUris, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken);

    /// <summary>Removes every manifest of a job (they may hold SAS URIs of its dataset); a succeeded job needs them no more.</summary>
    Task DeleteJobAsync(string jobId, CancellationToken cancellationToken);
}
