using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Opens a tar for listing its samples, after the intake policy allows it: a file seekable (headers are read and the data
/// skipped by seeking), a blob or http(s) URL as one streaming download (one sequential read beats a ranged GET per
/// sample). Only opening is retried; the stream is read once.
/// </summary>
public sealed class TarArchiveOpener(StorageAccount? account, HttpClient http, ResiliencePipeline resilience, IntakePolicy? policy = null)
{
    private readonly IntakePolicy _policy = policy ?? IntakePolicy.Unrestricted;

    /// <summary>The open tar, its length when known (a file's, a blob's or a Content-Length) and what else closes with it.</summary>
    public sealed record OpenTar(Stream Stream, long? Length, IDisposable? Owner = null) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync().ConfigureAwait(false);
            Owner?.Dispose();
        }
    }

    public async Task<OpenTar> OpenAsync(Uri tar, CancellationToken cancellationToken)
    {
        _policy.CheckItem(tar);
        if (tar.IsFile)
        {
            var path = _policy.ResolveLocal(tar.LocalPath, "item", write: false);
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
            return new OpenTar(file, file.Length);
        }
        if (AccountBlobs.TryGet(account, tar, out var blob))
        {
            var download = await resilience.ExecuteAsync(
                async ct => (await blob.DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            return new OpenTar(download.Content, download.Details.ContentLength);
        }
        var response = await resilience.ExecuteAsync(async ct =>
        {
            var r = await http.GetAsync(tar, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (r.IsSuccessStatusCode)
                return r;
            r.Dispose();
            throw new HttpRequestException($"GET {ItemReader.Display(tar.AbsoluteUri)} failed: {(int)r.StatusCode} {r.ReasonPhrase}", null, r.StatusCode);
        }, cancellationToken).ConfigureAwait(false);
        var length = response.Content.Headers.ContentLength;
        return new OpenTar(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), length, response);
    }
}
