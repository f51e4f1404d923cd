using System.Collections.Concurrent;
using Fleet.Storage.Shards;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>Shard manifests in memory, shared by the silos of one in-process test cluster (what blob storage is to a fleet).</summary>
public sealed class InMemoryShardManifestStore : IShardManifestStore
{
    private readonly ConcurrentDictionary<(string Job, int Shard), string[]> _manifests = new();

    public Task WriteAsync(string jobId, int shard, IReadOnlyList<string> itemUris, CancellationToken cancellationToken)
    {
        _manifests[(jobId, shard)] = itemUris.ToArray();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_manifests[(jobId, shard)]);
}
