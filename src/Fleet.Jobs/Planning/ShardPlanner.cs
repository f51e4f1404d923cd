using Fleet.Contracts;
using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Shards;

namespace Fleet.Jobs.Planning;

/// <summary>
/// Streams a dataset's listing into shard manifests, page by page (never the whole listing in memory), and hands each
/// shard over as soon as its manifest is written, strictly in order, so the first batch runs at once and a crash
/// re-plans from the last handed-over checkpoint. A few manifest writes are in flight at once: one storage round trip
/// each would make planning 1M images take minutes.
/// </summary>
public sealed class ShardPlanner(DatasetListerFactory listers, IShardManifestStore manifests)
{
    private const int ParallelManifestWrites = 8;

    /// <summary>
    /// The shards from <paramref name="firstShard"/> on, listing after <paramref name="resumeAfter"/>. Throws
    /// <see cref="EmptyDatasetException"/> when a plan from the start finds no image.
    /// </summary>
    public async IAsyncEnumerable<PlannedShard> PlanAsync(string jobId, JobSpec spec, int firstShard, string? resumeAfter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lister = await listers.CreateAsync(spec.Dataset, cancellationToken);
        var batch = new List<ShardItem>(spec.ShardSize);
        var writes = new Queue<(PlannedShard Shard, Task Written)>();
        var next = firstShard;
        string? checkpoint = null;

        await foreach (var item in lister.ListAsync(resumeAfter, cancellationToken))
        {
            if (batch.Count == 0 && next >= listers.Limits.MaxShardsPerJob)
            {
                // The shards planned so far are handed over (a resume after raising the limit carries on from them).
                while (writes.Count > 0)
                    yield return await PublishOldestAsync(writes);
                throw TooManyShards(spec, listers.Limits);
            }
            batch.Add(new ShardItem(item.Uri, item.Columns, item.Range));
            checkpoint = item.Checkpoint;
            if (batch.Count < spec.ShardSize)
                continue;
            writes.Enqueue(Write(next++, batch, checkpoint));
            // The first shard is handed over as soon as it is written, so a worker starts on it while the rest is
            // listed; after that up to ParallelManifestWrites writes are in flight.
            if (writes.Count >= ParallelManifestWrites || next == firstShard + 1)
                yield return await PublishOldestAsync(writes);
        }
        if (batch.Count > 0)
            writes.Enqueue(Write(next++, batch, checkpoint!));
        while (writes.Count > 0)
            yield return await PublishOldestAsync(writes);

        if (next == 0)
        {
            throw new EmptyDatasetException($"dataset '{lister.Describe()}' holds no images" +
                ((lister is TarSampleLister tars ? tars.Inner : lister) is ManifestFileLister ? " (the manifest lists no URIs)" : $" (looked for {string.Join(", ", ImageFileTypes.All)} and .tar)"));
        }

        (PlannedShard, Task) Write(int shard, List<ShardItem> items, string after)
        {
            var planned = new PlannedShard(shard, items.Count, after);
            var written = manifests.WriteAsync(jobId, shard, items.ToArray(), cancellationToken);
            items.Clear();
            return (planned, written);
        }
    }

    /// <summary>A job plans at most <see cref="ItemLimits.MaxShardsPerJob"/> shards: each is a manifest blob and a place in the job grain's state.</summary>
    internal static DatasetLimitException TooManyShards(JobSpec spec, ItemLimits limits) => new(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"the dataset needs more than {limits.MaxShardsPerJob:N0} shards of {spec.ShardSize} images ({ItemLimits.Setting(nameof(ItemLimits.MaxShardsPerJob))}); use a larger shardSize or split the dataset"));

    private static async Task<PlannedShard> PublishOldestAsync(Queue<(PlannedShard Shard, Task Written)> writes)
    {
        var (shard, written) = writes.Dequeue();
        await written;
        return shard;
    }
}
