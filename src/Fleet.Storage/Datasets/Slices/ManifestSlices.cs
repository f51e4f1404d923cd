using Fleet.Storage.Limits;
using Fleet.Storage.Shards;
using Polly;

namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// Which manifests are planned by byte ranges, and the reads of their slices: a .txt, .jsonl or .csv manifest on a
/// local path or in a blob of the configured account (read by conditional ranged GETs). A Parquet manifest (no lines)
/// and one behind a plain http(s) URL (no pinned version, no ranges promised) are listed from the start as before.
/// </summary>
public sealed class ManifestSlices(StorageAccount? account, ResiliencePipeline resilience, ItemLimits? limits = null)
{
    public ItemLimits Limits { get; } = limits ?? ItemLimits.Default;

    /// <summary>The source of <paramref name="dataset"/> when it is a manifest read by byte ranges; false otherwise.</summary>
    public bool TryGetSource(string dataset, out IManifestSource source, out Uri manifest, out ManifestFormat format)
    {
        source = null!;
        if (!ManifestFileLister.TryLocate(dataset, out manifest, out format) || format == ManifestFormat.Parquet)
            return false;
        if (manifest.IsFile)
        {
            source = new FileManifestSource(manifest.LocalPath);
            return true;
        }
        if (AccountBlobs.TryGet(account, manifest, out var blob))
        {
            source = new BlobManifestSource(blob, resilience);
            return true;
        }
        return false;
    }

    /// <summary>The items of one slice of <paramref name="dataset"/>, as a shard manifest would have held them.</summary>
    public async Task<IReadOnlyList<ShardItem>> ReadShardAsync(string dataset, SliceBounds slice, CancellationToken cancellationToken)
    {
        if (!TryGetSource(dataset, out var source, out var manifest, out var format))
            throw new ArgumentException($"dataset '{dataset}' is not a manifest read by byte ranges", nameof(dataset));
        var items = new List<ShardItem>();
        await foreach (var sliced in ManifestSliceReader.ReadAsync(source, format, manifest, slice, Limits, cancellationToken).ConfigureAwait(false))
            items.Add(new ShardItem(sliced.Item.Uri, sliced.Item.Columns, sliced.Item.Range));
        return items;
    }
}
