using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Azure;
using Azure.Storage.Blobs.Models;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Reads one dataset item's bytes through the storage retry policy: a file, a blob of the configured account (with its
/// credential), or any other http(s) URL with a plain GET (public or SAS). A 4xx other than 408/429 is not retried.
/// Every item passes the intake policy first (<see cref="IntakePolicyException"/>) and is read only up to
/// <see cref="ItemLimits.MaxItemBytes"/> (<see cref="ItemTooLargeException"/>, checked against the declared length before
/// anything is allocated, and again while streaming). Without a policy everything is allowed (a user's own tools).
/// With <paramref name="hosts"/> (in silos) each host is read through its own pipeline, so a foreign host's failure that
/// outlives the retries is <see cref="ForeignHostUnavailableException"/> (an error row), not an outage; without, every
/// read goes through <paramref name="resilience"/>.
/// </summary>
public sealed class ItemReader(StorageAccount? account, ResiliencePipeline resilience, HttpClient http, IntakePolicy? policy = null, ItemLimits? limits = null,
    StoragePipelines? hosts = null)
{
    private readonly IntakePolicy _policy = policy ?? IntakePolicy.Unrestricted;
    private readonly long _maxBytes = Math.Min((limits ?? ItemLimits.Default).MaxItemBytes, Array.MaxLength);

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
    public Task<ItemBytes> ReadAsync(string itemUri, ArrayPool<byte>? pool, CancellationToken cancellationToken) =>
        ReadAsync(itemUri, range: null, pool, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(string, ArrayPool{byte}, CancellationToken)"/>, but only the bytes at <paramref name="range"/>
    /// of the object the URI names (a tar member: a ranged file read, blob download or http Range GET). Fewer bytes than the
    /// range holds means the object was cut short: an <see cref="InvalidDataException"/> (not retried), so an error row.
    /// </summary>
    public async Task<ItemBytes> ReadAsync(string itemUri, ItemRange? range, ArrayPool<byte>? pool, CancellationToken cancellationToken)
    {
        var item = await ReadWholeOrRangeAsync(itemUri, range, pool, cancellationToken).ConfigureAwait(false);
        if (range is { } r && item.Length < r.Length)
        {
            if (item.Pooled)
                pool!.Return(item.Buffer);
            throw new InvalidDataException($"'{Display(itemUri)}' is truncated: its {r.Length} bytes at offset {r.Offset} end after {item.Length} (the tar was cut short)");
        }
        return item;
    }

    private async Task<ItemBytes> ReadWholeOrRangeAsync(string itemUri, ItemRange? range, ArrayPool<byte>? pool, CancellationToken cancellationToken)
    {
        if (DatasetItem.IsInvalidUri(itemUri))
            throw new InvalidDatasetItemException($"invalid manifest entry: {SecretRedactor.Text(itemUri[DatasetItem.InvalidPrefix.Length..])}");
        if (!Uri.TryCreate(itemUri, UriKind.Absolute, out var uri))
            throw new InvalidDatasetItemException($"'{Display(itemUri)}' is not an absolute URI");
        if (!uri.IsFile && uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw new InvalidDatasetItemException($"'{Display(itemUri)}' has a scheme Fleet cannot read ('{uri.Scheme}')");
        _policy.CheckItem(uri);
        if (uri.IsFile)
        {
            var path = _policy.ResolveLocal(uri.LocalPath, "item", write: false);
            return await resilience.ExecuteAsync(_ => ValueTask.FromResult(ReadFile(path, range, pool)), cancellationToken).ConfigureAwait(false);
        }

        if (range is { Length: 0 })
            return new ItemBytes([], 0, Pooled: false);
        if (range is { } r)
            CheckLength(r.Length, itemUri);
        var pipeline = hosts?.For(uri) ?? resilience;
        if (AccountBlobs.TryGet(account, uri, out var blob))
        {
            var options = new BlobDownloadOptions { Range = range is { } part ? new HttpRange(part.Offset, part.Length) : default };
            return await pipeline.ExecuteAsync(async ct =>
            {
                var download = (await blob.DownloadStreamingAsync(options, ct).ConfigureAwait(false)).Value;
                await using var content = download.Content;
                return await ReadStreamAsync(content, download.Details.ContentLength, itemUri, pool, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        return await pipeline.ExecuteAsync(async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (range is { } part)
                request.Headers.Range = new RangeHeaderValue(part.Offset, part.End - 1);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            // The status goes in the message (it becomes the error row) and on the exception (the retry policy reads it).
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"GET {Display(itemUri)} failed: {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            // A server that ignores Range sends the whole tar: refused rather than downloaded once per member.
            if (range is not null && response.StatusCode != HttpStatusCode.PartialContent)
                throw new InvalidDataException($"GET {Display(itemUri)} answered {(int)response.StatusCode} to a Range request: the server cannot serve tar members (it needs HTTP range requests)");
            var length = response.Content.Headers.ContentLength;
            CheckLength(length, itemUri);
            await using var content = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await ReadStreamAsync(content, length, itemUri, pool, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The URI as it appears in result rows: as written, less any SAS or other query and user info, but its #fragment kept (it
    /// names a tar member); an invalid entry's text: no secret.
    /// </summary>
    public static string Display(string itemUri)
    {
        if (DatasetItem.IsInvalidUri(itemUri))
            return SecretRedactor.Text(itemUri);
        var uri = SecretRedactor.WithoutUserInfo(itemUri);
        var question = uri.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
            return uri;
        var hash = uri.IndexOf('#', question);
        return hash < 0 ? uri[..question] : string.Concat(uri.AsSpan(0, question), uri.AsSpan(hash));
    }

    /// <summary>
    /// Synchronous on purpose: on Unix an async file read is this same blocking read queued to another thread-pool
    /// thread, one more hop per image, and the callers already run on the thread pool.
    /// </summary>
    private ItemBytes ReadFile(string path, ItemRange? range, ArrayPool<byte>? pool)
    {
        if (Directory.Exists(path))
            throw new IOException($"'{path}' is a folder, not a file");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var start = range?.Offset ?? 0;
        var length = range?.Length ?? RandomAccess.GetLength(handle);
        if (length == 0 && range is null)
        {
            // Some files (procfs, pipes, devices) report no length: read them as a stream, never past the limit.
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            return ReadUnsizedAsync(stream, path, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        CheckLength(length, path);
        var buffer = Allocate((int)length, pool);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), start + read);
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

    private async Task<ItemBytes> ReadStreamAsync(Stream content, long? length, string itemUri, ArrayPool<byte>? pool, CancellationToken cancellationToken)
    {
        if (length is not { } known)
            return await ReadUnsizedAsync(content, itemUri, cancellationToken).ConfigureAwait(false);
        CheckLength(known, itemUri);
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

    /// <summary>A body of unknown length, a chunk at a time: it stops (too large) as soon as it passes the limit.</summary>
    private async ValueTask<ItemBytes> ReadUnsizedAsync(Stream content, string item, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + n > _maxBytes)
                    throw TooLarge(item, $"more than {_maxBytes} bytes");
                copy.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return new ItemBytes(copy.ToArray(), (int)copy.Length, Pooled: false);
    }

    /// <summary>A declared length over the limit is refused before a byte is allocated or read.</summary>
    private void CheckLength(long? length, string item)
    {
        if (length > _maxBytes)
            throw TooLarge(item, $"{length} bytes");
    }

    private ItemTooLargeException TooLarge(string item, string size) =>
        new($"'{Display(item)}' is too large ({size}; the limit is {_maxBytes} bytes, Fleet:Limits:MaxItemBytes)");

    /// <summary>Every byte is overwritten by the read, so a fresh array need not be zeroed first.</summary>
    private static byte[] Allocate(int length, ArrayPool<byte>? pool) =>
        pool?.Rent(length) ?? GC.AllocateUninitializedArray<byte>(length);
}
