using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Lists the image blobs under a container/prefix page by page (the service returns names in order). The checkpoint of
/// an item is "{continuation token of its page}\n{blob name}": resuming re-reads that one page and skips through the name.
/// </summary>
public sealed class BlobPrefixLister : IDatasetLister
{
    private const int DefaultPageSize = 5000;

    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private readonly ResiliencePipeline _resilience;
    private readonly int _pageSize;

    public BlobPrefixLister(BlobContainerClient container, string prefix, ResiliencePipeline resilience)
        : this(container, prefix, resilience, DefaultPageSize)
    {
    }

    /// <summary>A small <paramref name="pageSize"/> lets tests cross page boundaries with a few blobs.</summary>
    internal BlobPrefixLister(BlobContainerClient container, string prefix, ResiliencePipeline resilience, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        _container = container;
        _prefix = prefix;
        _resilience = resilience;
        _pageSize = pageSize;
    }

    public string Describe() => $"{SecretRedactor.Uri(_container.Uri.AbsoluteUri)}/{_prefix}";

    public async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        bool exists;
        try
        {
            exists = await _resilience.ExecuteAsync(
                async ct => (await _container.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 403 or 401)
        {
            throw new DatasetNotFoundException($"dataset container '{SecretRedactor.Uri(_container.Uri.AbsoluteUri)}' refused access ({e.Status}): {e.ErrorCode}", e);
        }
        if (!exists)
            throw new DatasetNotFoundException($"dataset container '{_container.Uri.GetLeftPart(UriPartial.Path)}' does not exist");
    }

    public async IAsyncEnumerable<DatasetItem> ListAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (continuation, skipThrough) = ParseCheckpoint(resumeAfter);
        await EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            var pageToken = continuation;
            var page = await _resilience.ExecuteAsync(async ct =>
            {
                var pages = _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, _prefix, ct).AsPages(pageToken, _pageSize);
                await foreach (var p in pages.WithCancellation(ct).ConfigureAwait(false))
                    return p;
                return null;
            }, cancellationToken).ConfigureAwait(false);
            if (page is null)
                yield break;

            var start = skipThrough is null ? 0 : StartAfter(page.Values, skipThrough);
            skipThrough = null;
            for (var i = start; i < page.Values.Count; i++)
            {
                var name = page.Values[i].Name;
                if (ImageFileTypes.IsListed(name))
                    yield return new DatasetItem(_container.GetBlobClient(name).Uri.AbsoluteUri, $"{pageToken}\n{name}");
            }
            continuation = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// The index after <paramref name="name"/> in its page. By position when the blob is still there, so the service's
    /// collation never matters; by ordinal name when it was deleted since the checkpoint was taken.
    /// </summary>
    private static int StartAfter(IReadOnlyList<BlobItem> items, string name)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Name == name)
                return i + 1;
        }
        var start = 0;
        while (start < items.Count && string.CompareOrdinal(items[start].Name, name) <= 0)
            start++;
        return start;
    }

    private static (string? Continuation, string? Name) ParseCheckpoint(string? checkpoint)
    {
        if (checkpoint is null)
            return (null, null);
        // Continuation tokens never hold a line break; blob names might, so split at the first one.
        var newline = checkpoint.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0)
            throw new ArgumentException($"'{checkpoint}' is not a checkpoint of a blob listing (expected \"token\\nname\").", nameof(checkpoint));
        var token = checkpoint[..newline];
        return (token.Length == 0 ? null : token, checkpoint[(newline + 1)..]);
    }
}
