using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>Reads one dataset item's bytes (file or blob) through the storage retry policy.</summary>
public sealed class ItemReader(StorageAccount? account, ResiliencePipeline resilience)
{
    public async Task<byte[]> ReadAsync(string itemUri, CancellationToken cancellationToken)
    {
        var uri = new Uri(itemUri);
        if (uri.IsFile)
        {
            return await resilience.ExecuteAsync(
                async ct => await File.ReadAllBytesAsync(uri.LocalPath, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        var blob = account is not null ? account.GetBlob(uri) : new Azure.Storage.Blobs.BlobClient(uri);
        return await resilience.ExecuteAsync(async ct =>
        {
            var content = await blob.DownloadContentAsync(ct).ConfigureAwait(false);
            return content.Value.Content.ToArray();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The URI as it appears in result rows: no SAS or other query.</summary>
    public static string Display(string itemUri)
    {
        var question = itemUri.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? itemUri : itemUri[..question];
    }
}
