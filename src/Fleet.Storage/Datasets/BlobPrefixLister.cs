using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>Lists the image blobs under a container/prefix page by page (the service returns names in order).</summary>
public sealed class BlobPrefixLister(BlobContainerClient container, string prefix, ResiliencePipeline resilience) : IDatasetLister
{
    private const int PageSize = 5000;

    public string Describe() => $"{container.Uri.GetLeftPart(UriPartial.Path)}/{prefix}";

    public async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        bool exists;
        try
        {
            exists = await resilience.ExecuteAsync(
                async ct => (await container.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 403 or 401)
        {
            throw new DatasetNotFoundException($"dataset container '{container.Uri}' refused access ({e.Status}): {e.ErrorCode}", e);
        }
        if (!exists)
            throw new DatasetNotFoundException($"dataset container '{container.Uri.GetLeftPart(UriPartial.Path)}' does not exist");
    }

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        string? continuation = null;
        do
        {
            var page = await resilience.ExecuteAsync(async ct =>
            {
                var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).AsPages(continuation, PageSize);
                await foreach (var p in pages.WithCancellation(ct).ConfigureAwait(false))
                    return p;
                return null;
            }, cancellationToken).ConfigureAwait(false);
            if (page is null)
                yield break;
            foreach (var item in page.Values)
            {
                if (ImageFileTypes.IsImage(item.Name))
                    yield return container.GetBlobClient(item.Name).Uri.AbsoluteUri;
            }
            continuation = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        }
        while (continuation is not null);
    }
}
