using System.Text.Json;
using Azure.Storage.Blobs;
using Polly;

namespace Fleet.Storage.Shards;

/// <summary>
/// Shard manifests ({jobId}/shards/{n:D6}.json: the item URIs of one shard) in Fleet's own container, so
/// grains pass shard numbers, never lists of images, and any silo can pick a shard up.
/// </summary>
public sealed class ShardManifestStore(BlobContainerClient container, ResiliencePipeline resilience)
{
    public const string DefaultContainer = "fleet-jobs";

    public static string ManifestName(string jobId, int shard) => $"{jobId}/shards/{shard:D6}.json";

    public async Task WriteAsync(string jobId, int shard, IReadOnlyList<string> itemUris, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(itemUris);
        await resilience.ExecuteAsync(async ct =>
        {
            await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            await container.GetBlobClient(ManifestName(jobId, shard)).UploadAsync(new BinaryData(bytes), overwrite: true, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ReadAsync(string jobId, int shard, CancellationToken cancellationToken)
    {
        var content = await resilience.ExecuteAsync(
            async ct => (await container.GetBlobClient(ManifestName(jobId, shard)).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content,
            cancellationToken).ConfigureAwait(false);
        return content.ToObjectFromJson<string[]>() ?? [];
    }
}
