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
    private readonly ResiliencePipeline _resilience = resilience;
    private const int BlockSize = 4 * 1024 * 1024;
    private readonly string _prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";

    public string Describe() => $"{Security.SecretRedactor.Uri(container.Uri.AbsoluteUri)}/{_prefix}";

    public string ClaimOf(string jobId) => $"{container.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{_prefix}{ResultLayout.Folder(jobId)}/";

    public async Task<IStagedShard> StageShardAsync(string jobId, int shard, Guid attemptId, IReadOnlyList<ResultRow> rows, IReadOnlyList<ResultRow> errorRows, IResultPartFormat format, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var data = container.GetBlockBlobClient(_prefix + ResultLayout.Part(jobId, shard, format));
        var errors = container.GetBlockBlobClient(_prefix + ResultLayout.ErrorPart(jobId, shard, format));
        var dataBlocks = await StageBlocksAsync(data, attemptId, await format.EncodeAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var errorBlocks = errorRows.Count == 0 ? [] : await StageBlocksAsync(errors, attemptId, await format.EncodeAsync(errorRows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new StagedBlocks(this, data, dataBlocks, errors, errorBlocks);
    }

    public async Task WriteSuccessAsync(string jobId, string json, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlockBlobClient(_prefix + ResultLayout.Success(jobId));
        var blocks = await StageBlocksAsync(blob, Guid.NewGuid(), Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
        await CommitAsync(blob, blocks, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ListPartsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!(await container.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
            yield break;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{_prefix}{jobId}/", cancellationToken).ConfigureAwait(false))
        {
            var name = blob.Name[_prefix.Length..];
            if (ResultPartFormats.OfPart(name) is not null)
                yield return name;
        }
    }

    public async IAsyncEnumerable<string> ReadRowsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var part in ListPartsAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var content = await _resilience.ExecuteAsync(
                async ct => (await container.GetBlobClient(_prefix + part).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content, cancellationToken).ConfigureAwait(false);
            foreach (var line in await ResultPartReader.LinesAsync(part, content.ToArray(), cancellationToken).ConfigureAwait(false))
                yield return line;
        }
    }

    public async Task<IReadOnlyList<ResultRow>> ReadPartAsync(string part, CancellationToken cancellationToken)
    {
        var format = ResultPartFormats.OfPart(part) ?? throw new ArgumentException($"{part} is not a result part", nameof(part));
        try
        {
            var content = await _resilience.ExecuteAsync(
                async ct => (await container.GetBlobClient(_prefix + part).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content, cancellationToken).ConfigureAwait(false);
            return await format.DecodeAsync(content.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }

    /// <summary>
    /// Stages content as uncommitted blocks whose ids carry the attempt id, so attempts never overwrite each other's
    /// blocks, and a commit by one attempt discards every other attempt's uncommitted blocks (the fence).
    /// </summary>
    private async Task<List<string>> StageBlocksAsync(BlockBlobClient blob, Guid attemptId, byte[] content, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        for (var offset = 0; offset < content.Length; offset += BlockSize)
        {
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{attemptId:N}-{ids.Count:D6}"));
            var start = offset;
            var length = Math.Min(BlockSize, content.Length - offset);
            await _resilience.ExecuteAsync(async ct =>
            {
                using var stream = new MemoryStream(content, start, length, writable: false);
                await blob.StageBlockAsync(id, stream, cancellationToken: ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            ids.Add(id);
        }
        return ids;
    }

    private async Task CommitAsync(BlockBlobClient blob, List<string> blocks, CancellationToken cancellationToken)
    {
        try
        {
            await _resilience.ExecuteAsync(async ct => await blob.CommitBlockListAsync(blocks, cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "InvalidBlockList")
        {
            throw new ShardSupersededException($"{blob.Name}: another attempt committed first and discarded this attempt's blocks", e);
        }
    }

    private sealed class StagedBlocks(BlobResultStore store, BlockBlobClient data, List<string> dataBlocks, BlockBlobClient errors, List<string> errorBlocks) : IStagedShard
    {
        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            // Errors first: the data part is the shard's commit point. An empty error list still commits (then
            // deletes) the error blob, so a slower attempt's staged error blocks are discarded and can never appear.
            await store.CommitAsync(errors, errorBlocks, cancellationToken).ConfigureAwait(false);
            if (errorBlocks.Count == 0)
                await store._resilience.ExecuteAsync(async ct => await errors.DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            await store.CommitAsync(data, dataBlocks, cancellationToken).ConfigureAwait(false);
        }

        // Uncommitted blocks are discarded by the winner's commit, or by the service after a week.
        public Task DiscardAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _resilience.ExecuteAsync(async ct => await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            // A SAS scoped to the container may not allow creating it; writing will tell if it really is missing.
        }
    }
}
