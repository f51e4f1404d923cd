namespace Fleet.Storage.Shards;

/// <summary>
/// Shard manifests ({jobId}/shards/{n:D6}.json: the items of one shard, URIs and the manifest columns they carry): grains pass shard numbers, never lists
/// of images, and any silo can pick a shard up. Blob storage in a fleet (<see cref="ShardManifestStore"/>).
/// </summary>
public interface IShardManifestStore
{
    Task WriteAsync(string jobId, int shard, IReadOnlyList<ShardItem> items, CancellationToken cancellationToken);

    Task<IReadOnlyList<ShardItem>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken);

    /// <summary>Removes every manifest of a job (they may hold SAS URIs of its dataset); a succeeded job needs them no more.</summary>
    Task DeleteJobAsync(string jobId, CancellationToken cancellationToken);
}
