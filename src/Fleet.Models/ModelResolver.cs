using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Models;

/// <summary>
/// Finds a catalog entry's file on disk: the repo's <c>models/</c>, the cache, the offline mirror, and only
/// then the source URL (downloaded into the cache). Every copy must match the entry's size and SHA-256.
/// </summary>
public sealed class ModelResolver
{
    /// <summary>The named <see cref="HttpClient"/> used for downloads when registered through DI.</summary>
    public const string HttpClientName = "Fleet.ModelDownload";

    private const int CopyBufferSize = 81920;

    // Created only when a download is needed and no client was given.
    private static readonly Lazy<HttpClient> FallbackHttpClient = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(10) });

    private readonly HttpClient? _httpClient;
    private readonly ILogger _logger;

    public ModelResolver(ModelResolverOptions options, HttpClient? httpClient = null, ILogger<ModelResolver>? logger = null)
    {
        Options = options;
        _httpClient = httpClient;
        _logger = logger ?? NullLogger<ModelResolver>.Instance;
    }

    public ModelResolverOptions Options { get; }

    /// <summary>The full path of a verified copy of <paramref name="entry"/>'s file.</summary>
    /// <exception cref="FileNotFoundException">No verified copy could be found or downloaded; the message lists every place tried.</exception>
    public async Task<string> ResolveAsync(ModelEntry entry, CancellationToken cancellationToken = default)
    {
        var attempts = new List<string>();
        foreach (var (place, path) in LocalCandidates(entry))
        {
            var problem = await VerifyAsync(entry, path, cancellationToken);
            if (problem is null)
            {
                ModelLog.ModelFound(_logger, entry.Name, place, path);
                return path;
            }

            attempts.Add($"{place} {path}: {problem}");
            if (place == "cache" && File.Exists(path))
            {
                // A bad cache copy would shadow the mirror and block a fresh download forever.
                TryDelete(path);
            }
        }

        if (!Options.AllowDownload)
        {
            attempts.Add("download: disabled");
        }
        else if (string.IsNullOrWhiteSpace(entry.SourceUrl))
        {
            attempts.Add("download: the entry has no sourceUrl");
        }
        else
        {
            try
            {
                return await DownloadAsync(entry, entry.SourceUrl, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or UnauthorizedAccessException or InvalidDataException or TaskCanceledException
                                       && !cancellationToken.IsCancellationRequested)
            {
                attempts.Add($"download {entry.SourceUrl}: {ex.Message}");
            }
        }

        throw new FileNotFoundException(
            $"Model '{entry.Name}' ({entry.File}) has no verified copy. Tried:{Environment.NewLine}  - " +
            string.Join($"{Environment.NewLine}  - ", attempts),
            entry.File);
    }

    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static async Task<string> ComputeSha256Async(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    internal IEnumerable<(string Place, string Path)> LocalCandidates(ModelEntry entry)
    {
        if (Options.RepositoryModelsDirectory is { } repo)
        {
            yield return ("repo", Path.Combine(repo, entry.Name, entry.File));
            yield return ("repo", Path.Combine(repo, entry.File));
        }

        yield return ("cache", CachePath(entry));

        if (Options.MirrorDirectory is { } mirror)
        {
            yield return ("mirror", Path.Combine(mirror, entry.Name, entry.File));
        }
    }

    private string CachePath(ModelEntry entry) => Path.Combine(Options.CacheDirectory, entry.Name, entry.File);

    /// <summary>Null when the file is a good copy, else why not.</summary>
    private static async Task<string?> VerifyAsync(ModelEntry entry, string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return "missing";
        }

        if (file.Length != entry.Size)
        {
            return $"size {file.Length} bytes, expected {entry.Size}";
        }

        var sha256 = await ComputeSha256Async(path, cancellationToken);
        return string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"sha256 {sha256}, expected {entry.Sha256}";
    }

    private async Task<string> DownloadAsync(ModelEntry entry, string url, CancellationToken cancellationToken)
    {
        var target = CachePath(entry);
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);

        // A unique temp name in the target folder: concurrent downloads never share a file, and the final
        // rename stays on one file system, so readers see either nothing or a whole verified file.
        var temp = Path.Combine(folder, $".{entry.File}.{Guid.NewGuid():N}.partial");
        ModelLog.ModelDownloading(_logger, entry.Name, url, target);
        try
        {
            var client = _httpClient ?? FallbackHttpClient.Value;
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var sink = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true))
            {
                var buffer = new byte[CopyBufferSize];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    length += read;
                    if (length > entry.Size)
                    {
                        throw new InvalidDataException($"the server sent more than the expected {entry.Size} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (length != entry.Size || !string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"downloaded {length} bytes with sha256 {sha256}, expected {entry.Size} bytes with sha256 {entry.Sha256}; discarded");
            }

            File.Move(temp, target, overwrite: true);
            ModelLog.ModelDownloaded(_logger, entry.Name, length);
            return target;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            ModelLog.DeleteFailed(_logger, ex, path);
        }
        catch (UnauthorizedAccessException ex)
        {
            ModelLog.DeleteFailed(_logger, ex, path);
        }
    }
}
