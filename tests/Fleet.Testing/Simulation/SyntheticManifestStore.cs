using System.Collections.Concurrent;
using Fleet.Storage.Shards;

namespace Fleet.Testing.Simulation;

/// <summary>
/// Shard manifests of <see cref="SyntheticItems"/> kept as (first item, count): a 10M-item job's manifests are a few MB
/// here, so the simulation's memory is the control plane's, not the stand-in blob store's. Other items are kept whole.
/// Shared by every silo of the simulated fleet and outlives a killed cluster, as blob storage does.
/// </summary>
public sealed class SyntheticManifestStore : IShardManifestStore
{
    private readonly ConcurrentDictionary<(string Job, int Shard), Manifest> _manifests = new();
    private long _writes;
    private long _reads;

    public long Writes => Interlocked.Read(ref _writes);

    public long Reads => Interlocked.Read(ref _reads);

    public Task WriteAsync(string jobId, int shard, IReadOnlyList<ShardItem> items, CancellationToken cancellationToken)
    {
        _manifests[(jobId, shard)] = Manifest.Of(items);
        Interlocked.Increment(ref _writes);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ShardItem>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(_manifests[(jobId, shard)].Items());
    }

    public Task DeleteJobAsync(string jobId, CancellationToken cancellationToken)
    {
        foreach (var key in _manifests.Keys.Where(k => k.Job == jobId))
            _manifests.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public int Count(string jobId) => _manifests.Keys.Count(k => k.Job == jobId);

    /// <summary>A run of consecutive stand-in items, or the items themselves when they are not one.</summary>
    private sealed record Manifest(long First, int Count, ShardItem[]? Whole)
    {
        public static Manifest Of(IReadOnlyList<ShardItem> items)
        {
            if (items.Count > 0 && SyntheticItems.TryIndex(items[0].Uri, out var first) && IsRun(items, first))
                return new Manifest(first, items.Count, null);
            return new Manifest(0, items.Count, [.. items]);
        }

        public IReadOnlyList<ShardItem> Items() =>
            Whole ?? [.. Enumerable.Range(0, Count).Select(i => new ShardItem(SyntheticItems.Uri(First + i)))];

        private static bool IsRun(IReadOnlyList<ShardItem> items, long first)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Columns is not null || items[i].Range is not null || !SyntheticItems.TryIndex(items[i].Uri, out var index) || index != first + i)
                    return false;
            }
            return true;
        }
    }
}
