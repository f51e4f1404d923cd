using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Reads one dataset item's bytes through the storage retry policy: a file, a blob of the configured account (with its
/// credential), or any other http(s) URL with a plain GET (public or SAS). A 4xx other than 408/429 is not retried.
/// </summary>
public sealed class ItemReader(StorageAccount? account, ResiliencePipeline resilience, HttpClient http)
{
    /// <summary>The named HttpClient (IHttpClientFactory) that item and manifest downloads use.</summary>
    public const string HttpClientName = "fleet-datasets";

    public async Task<byte[]> ReadAsync(string itemUri, CancellationToken cancellationToken)
    {
        if (DatasetItem.IsInvalidUri(itemUri))
            throw new InvalidDatasetItemException($"invalid manifest entry: {itemUri[DatasetItem.InvalidPrefix.Length..]}");
        if (!Uri.TryCreate(itemUri, UriKind.Absolute, out var uri))
            throw new InvalidDatasetItemException($"'{Display(itemUri)}' is not an absolute URI");
        if (uri.IsFile)
        {
            return await resilience.ExecuteAsync(
                async ct => await File.ReadAllBytesAsync(uri.LocalPath, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw new InvalidDatasetItemException($"'{Display(itemUri)}' has a scheme Fleet cannot read ('{uri.Scheme}')");

        if (AccountBlobs.TryGet(account, uri, out var blob))
        {
            return await resilience.ExecuteAsync(async ct =>
            {
                var content = await blob.DownloadContentAsync(ct).ConfigureAwait(false);
                return content.Value.Content.ToArray();
            }, cancellationToken).ConfigureAwait(false);
        }
        return await resilience.ExecuteAsync(async ct =>
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            // The status goes in the message (it becomes the error row) and on the exception (the retry policy reads it).
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"GET {Display(itemUri)} failed: {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The URI as it appears in result rows: no SAS or other query.</summary>
    public static string Display(string itemUri)
    {
        var question = itemUri.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? itemUri : itemUri[..question];
    }
}
