using System.Collections.Concurrent;
using Fleet.Storage.Shards;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>Shard manifests in memory, shared by the silos of one in-process test cluster (what blob storage is to a fleet).</summary>
public sealed class InMemoryShardManifestStore : IShardManifestStore
{
    private readonly ConcurrentDictionary<(string Job, int Shard), ShardItem[]> _manifests = new();

    /// <summary>Awaited before a manifest is stored: a test holds a write open to land a call while the planner waits on it.</summary>
    public Func<string, int, Task>? BeforeWrite { get; set; }

    public async Task WriteAsync(string jobId, int shard, IReadOnlyList<ShardItem> items, CancellationToken cancellationToken)
    {
        if (BeforeWrite is { } gate)
            await gate(jobId, shard);
        _manifests[(jobId, shard)] = items.ToArray();
    }

    /// <summary>Awaited before a job's manifests are deleted: a test holds the deletes to see the job's state meanwhile.</summary>
    public Func<string, Task>? BeforeDelete { get; set; }

    public async Task DeleteJobAsync(string jobId, CancellationToken cancellationToken)
    {
        if (BeforeDelete is { } gate)
            await gate(jobId);
        foreach (var key in _manifests.Keys.Where(k => k.Job == jobId))
            _manifests.TryRemove(key, out _);
    }

    /// <summary>How many manifests a job has (the tests check they are gone once it succeeds).</summary>
    public int Count(string jobId) => _manifests.Keys.Count(k => k.Job == jobId);

    public Task<IReadOnlyList<ShardItem>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ShardItem>>(_manifests[(jobId, shard)]);
}
