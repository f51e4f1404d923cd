using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Polly;

namespace Fleet.Storage.Results;

/// <summary>
/// Rows in a blob container (under an optional prefix). A part is staged as blocks and made visible by one
/// block-list commit, so it appears whole or not at all, and a re-run replaces it.
/// </summary>
public sealed class BlobResultStore(BlobContainerClient container, string prefix, ResiliencePipeline resilience) : IResultStore
{
    private const int BlockSize = 4 * 1024 * 1024;
    private readonly string _prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";

    public string Describe() => $"{container.Uri.GetLeftPart(UriPartial.Path)}/{_prefix}";

    public async Task CommitShardAsync(string jobId, int shard, IReadOnlyList<string> rows, IReadOnlyList<string> errorRows, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var errorName = _prefix + ResultLayout.ErrorPart(jobId, shard);
        if (errorRows.Count == 0)
            await resilience.ExecuteAsync(async ct => await container.DeleteBlobIfExistsAsync(errorName, cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        else
            await CommitBlocksAsync(errorName, JsonLines.Encode(errorRows), cancellationToken).ConfigureAwait(false);
        await CommitBlocksAsync(_prefix + ResultLayout.Part(jobId, shard), JsonLines.Encode(rows), cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteSuccessAsync(string jobId, string json, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await CommitBlocksAsync(_prefix + ResultLayout.Success(jobId), Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ListPartsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!(await container.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
            yield break;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{_prefix}{jobId}/", cancellationToken).ConfigureAwait(false))
        {
            var name = blob.Name[_prefix.Length..];
            var file = name[(name.LastIndexOf('/') + 1)..];
            if (file.StartsWith("part-", StringComparison.Ordinal) && file.EndsWith(".jsonl", StringComparison.Ordinal))
                yield return name;
        }
    }

    public async IAsyncEnumerable<string> ReadRowsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var part in ListPartsAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var content = await resilience.ExecuteAsync(
                async ct => (await container.GetBlobClient(_prefix + part).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content, cancellationToken).ConfigureAwait(false);
            foreach (var line in JsonLines.Decode(content.ToString()))
                yield return line;
        }
    }

    private async Task CommitBlocksAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var blob = container.GetBlockBlobClient(name);
        // Block ids are fixed by position so a retried stage overwrites its own block; the commit is the one visible step.
        var ids = new List<string>();
        for (int offset = 0, index = 0; offset < content.Length || index == 0; offset += BlockSize, index++)
        {
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{index:D6}"));
            ids.Add(id);
            var length = Math.Min(BlockSize, content.Length - offset);
            await resilience.ExecuteAsync(async ct =>
            {
                using var stream = new MemoryStream(content, offset, length, writable: false);
                await blob.StageBlockAsync(id, stream, cancellationToken: ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (content.Length == 0)
                break;
        }
        await resilience.ExecuteAsync(async ct => await blob.CommitBlockListAsync(ids, cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await resilience.ExecuteAsync(async ct => await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            // A SAS scoped to the container may not allow creating it; writing will tell if it really is missing.
        }
    }
}
