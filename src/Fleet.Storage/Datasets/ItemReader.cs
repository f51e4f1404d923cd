using System.Buffers;
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
        var item = await ReadAsync(itemUri, pool: null, cancellationToken).ConfigureAwait(false);
        return item.Length == item.Buffer.Length ? item.Buffer : item.Buffer[..item.Length];
    }

    /// <summary>
    /// Reads the item into a buffer rented from <paramref name="pool"/> whenever its length is known before the read
    /// (files, blobs, http with a Content-Length), so a shard's hundred-kilobyte images are not a fresh, zeroed array
    /// each (allocation, zeroing and the GC copying them were the largest per-image cost of the control plane).
    /// Without a pool, or when the length is unknown, the buffer is a plain array (<see cref="ItemBytes.Pooled"/> false).
    /// </summary>
    public async Task<ItemBytes> ReadAsync(string itemUri, ArrayPool<byte>? pool, CancellationToken cancellationToken)
    {
        if (DatasetItem.IsInvalidUri(itemUri))
            throw new InvalidDatasetItemException($"invalid manifest entry: {itemUri[DatasetItem.InvalidPrefix.Length..]}");
        if (!Uri.TryCreate(itemUri, UriKind.Absolute, out var uri))
            throw new InvalidDatasetItemException($"'{Display(itemUri)}' is not an absolute URI");
        if (uri.IsFile)
            return await resilience.ExecuteAsync(_ => ValueTask.FromResult(ReadFile(uri.LocalPath, pool)), cancellationToken).ConfigureAwait(false);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw new InvalidDatasetItemException($"'{Display(itemUri)}' has a scheme Fleet cannot read ('{uri.Scheme}')");

        if (AccountBlobs.TryGet(account, uri, out var blob))
        {
            return await resilience.ExecuteAsync(async ct =>
            {
                var download = (await blob.DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
                await using var content = download.Content;
                return await ReadStreamAsync(content, download.Details.ContentLength, pool, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        return await resilience.ExecuteAsync(async ct =>
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            // The status goes in the message (it becomes the error row) and on the exception (the retry policy reads it).
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"GET {Display(itemUri)} failed: {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            var length = response.Content.Headers.ContentLength;
            await using var content = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await ReadStreamAsync(content, length, pool, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The URI as it appears in result rows: no SAS or other query.</summary>
    public static string Display(string itemUri)
    {
        var question = itemUri.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? itemUri : itemUri[..question];
    }

    /// <summary>
    /// Synchronous on purpose: on Unix an async file read is this same blocking read queued to another thread-pool
    /// thread, one more hop per image, and the callers already run on the thread pool.
    /// </summary>
    private static ItemBytes ReadFile(string path, ArrayPool<byte>? pool)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        if (length == 0)
        {
            // Some files (procfs, pipes) report no length: read them the plain way.
            var bytes = File.ReadAllBytes(path);
            return new ItemBytes(bytes, bytes.Length, Pooled: false);
        }
        if (length > Array.MaxLength)
            throw new IOException($"'{path}' is too large to read ({length} bytes)");
        var buffer = Allocate((int)length, pool);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0)
                    break; // Shrunk while we read: what is there is the item.
                read += n;
            }
            return new ItemBytes(buffer, read, pool is not null);
        }
        catch
        {
            pool?.Return(buffer);
            throw;
        }
    }

    private static async Task<ItemBytes> ReadStreamAsync(Stream content, long? length, ArrayPool<byte>? pool, CancellationToken cancellationToken)
    {
        if (length is not { } known || known > Array.MaxLength)
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            return new ItemBytes(copy.ToArray(), (int)copy.Length, Pooled: false);
        }
        var buffer = Allocate((int)known, pool);
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, (int)known), (int)known, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return new ItemBytes(buffer, read, pool is not null);
        }
        catch
        {
            pool?.Return(buffer);
            throw;
        }
    }

    /// <summary>Every byte is overwritten by the read, so a fresh array need not be zeroed first.</summary>
    private static byte[] Allocate(int length, ArrayPool<byte>? pool) =>
        pool?.Rent(length) ?? GC.AllocateUninitializedArray<byte>(length);
}
