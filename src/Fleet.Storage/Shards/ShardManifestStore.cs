using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;

namespace Fleet.Storage.Shards;

/// <summary>Shard manifests as blobs in Fleet's own container, where every silo of the fleet reads them.</summary>
public sealed class ShardManifestStore(BlobContainerClient container, ResiliencePipeline resilience) : IShardManifestStore
{
    public const string DefaultContainer = "fleet-jobs";

    private const int ParallelDeletes = 8;

    private volatile bool _containerExists;

    public static string ManifestName(string jobId, int shard) => $"{jobId}/shards/{shard:D6}.json";

    public async Task WriteAsync(string jobId, int shard, IReadOnlyList<ShardItem> items, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(items);
        await resilience.ExecuteAsync(async ct =>
        {
            // Planning writes thousands of manifests: make sure of the container once, not once per manifest.
            if (!_containerExists)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                _containerExists = true;
            }
            var blob = container.GetBlobClient(ManifestName(jobId, shard));
            try
            {
                await blob.UploadAsync(new BinaryData(bytes), overwrite: true, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Deleted behind our back: create it again and write once more.
                await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                await blob.UploadAsync(new BinaryData(bytes), overwrite: true, ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes every shard manifest of the job. Manifests hold the item URIs as listed, SAS included, so a job deletes
    /// them once no shard can run again (it succeeded or was cancelled; a failed job's resume still needs them).
    /// </summary>
    public async Task DeleteJobAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!(await resilience.ExecuteAsync(async ct => (await container.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false)))
            return;
        // A few deletes in flight, as planning writes them: one round trip each, in turn, kept a finished 5,000-photo
        // `fleet run` waiting ~0.3 s and would keep a million-image job (15,600 manifests) waiting minutes.
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = ParallelDeletes,
            CancellationToken = cancellationToken,
            TaskScheduler = TaskScheduler.Default, // not the calling grain's scheduler
        };
        await Parallel.ForEachAsync(container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{jobId}/shards/", cancellationToken), parallel,
            async (blob, ct) => await resilience.ExecuteAsync(
                async attempt => await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: attempt).ConfigureAwait(false), ct).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ShardItem>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken)
    {
        var content = await resilience.ExecuteAsync(
            async ct => (await container.GetBlobClient(ManifestName(jobId, shard)).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content,
            cancellationToken).ConfigureAwait(false);
        return content.ToObjectFromJson<ShardItem[]>() ?? [];
    }
}
