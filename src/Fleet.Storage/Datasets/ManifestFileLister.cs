using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using CsvHelper;
using Fleet.Storage.Limits;
using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// A dataset that is a manifest file (.txt, .jsonl, .csv or .parquet) read as a stream from a local path, a blob of the configured
/// account (with its credential) or any http(s) URL (a plain GET, e.g. a SAS URL). The checkpoint of an item is the
/// 1-based line where its entry starts; resuming re-reads the manifest and skips lines up to it. Nothing is filtered by
/// extension, and an entry that names no usable URI becomes an "invalid:" item rather than disappearing.
/// </summary>
public sealed class ManifestFileLister(Uri manifest, ManifestFormat format, StorageAccount? account, HttpClient http, ResiliencePipeline resilience,
    ItemLimits? limits = null)
    : IDatasetLister
{
    private const string UriColumn = "uri";

    private readonly ItemLimits _limits = limits ?? ItemLimits.Default;

    public Uri Manifest { get; } = manifest;

    public ManifestFormat Format { get; } = format;

    /// <summary>
    /// True when <paramref name="dataset"/> (a path, file:// or http(s) URI) names a manifest: its path ends in .txt, .jsonl or
    /// .csv (any case; a URL's query is ignored). <paramref name="location"/> is then its absolute URI.
    /// </summary>
    public static bool TryLocate(string dataset, out Uri location, out ManifestFormat format)
    {
        location = null!;
        format = default;
        if (Uri.TryCreate(dataset, UriKind.Absolute, out var uri) && (uri.IsFile || uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (!TryGetFormat(uri.IsFile ? uri.LocalPath : uri.AbsolutePath, out format))
                return false;
            location = uri;
            return true;
        }
        if (dataset.Contains("://", StringComparison.Ordinal) || !TryGetFormat(dataset, out format))
            return false;
        location = new Uri(Path.GetFullPath(dataset));
        return true;
    }

    public static bool TryGetFormat(string path, out ManifestFormat format)
    {
        var extension = Path.GetExtension(path);
        ManifestFormat? found = extension.ToLowerInvariant() switch
        {
            ".txt" => ManifestFormat.Text,
            ".jsonl" => ManifestFormat.JsonLines,
            ".csv" => ManifestFormat.Csv,
            ".parquet" => ManifestFormat.Parquet,
            _ => null,
        };
        format = found.GetValueOrDefault();
        return found.HasValue;
    }

    public string Describe() => $"{Display} ({Format} manifest)";

    private string Display => Manifest.IsFile ? Manifest.LocalPath : SecretRedactor.Uri(Manifest.AbsoluteUri);

    public async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (Format == ManifestFormat.Parquet)
            {
                var seekable = await SeekableAsync(stream, cancellationToken).ConfigureAwait(false);
                await using (seekable.ConfigureAwait(false))
                    await ParquetManifestReader.EnsureUriColumnAsync(seekable, Display, cancellationToken).ConfigureAwait(false);
            }
            if (Format == ManifestFormat.Csv)
            {
                var csv = CsvReader.Create(stream, CsvOptions(null), leaveOpen: true);
                await using (csv.ConfigureAwait(false))
                    await UriColumnIndexAsync(csv, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async IAsyncEnumerable<DatasetItem> ListAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var skip = ParseCheckpoint(resumeAfter);
        var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // A Parquet manifest's spooled copy (a seekable stream of its own) is disposed here too.
            var source = Format == ManifestFormat.Parquet ? await SeekableAsync(stream, cancellationToken).ConfigureAwait(false) : stream;
            await using (source.ConfigureAwait(false))
            {
                var items = Format switch
                {
                    ManifestFormat.Csv => ReadCsvAsync(source, skip, cancellationToken),
                    ManifestFormat.Parquet => ParquetManifestReader.ReadAsync(source, Display, Manifest, skip, cancellationToken),
                    _ => ReadLinesAsync(source, skip, cancellationToken),
                };
                await foreach (var item in items.ConfigureAwait(false))
                    yield return item;
            }
        }
    }

    private async IAsyncEnumerable<DatasetItem> ReadLinesAsync(Stream source, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stream = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var reader = new BoundedLineReader(stream, _limits.MaxManifestLineLength, $"manifest '{Display}'");
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            line++;
            CheckLineCount(line);
            if (line <= skip || string.IsNullOrWhiteSpace(text))
                continue;
            if (Format == ManifestFormat.Text)
            {
                if (text.AsSpan().TrimStart().StartsWith("#", StringComparison.Ordinal))
                    continue;
                yield return ManifestEntries.Resolve(text, Manifest, line);
            }
            else
            {
                yield return ManifestEntries.FromJson(text, Manifest, line);
            }
        }
    }

    private async IAsyncEnumerable<DatasetItem> ReadCsvAsync(Stream stream, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Keyed by the line a record starts on, which both the report and the reader give.
        var malformed = new Dictionary<long, CsvMalformedReason>();
        var csv = CsvReader.Create(stream, CsvOptions(record => malformed.TryAdd(record.LineNumber, record.Reason)), leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            var column = await UriColumnIndexAsync(csv, cancellationToken).ConfigureAwait(false);
            while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var line = csv.LineNumber;
                CheckLineCount(line);
                var bad = malformed.Remove(line, out var reason);
                if (line <= skip)
                    continue;
                if (bad)
                    yield return ManifestEntries.Invalid(line, $"malformed CSV ({reason})", Encoding.UTF8.GetString(csv.RawRecord));
                else if (csv.IsEmpty(column))
                    yield return ManifestEntries.Invalid(line, "no uri field", Encoding.UTF8.GetString(csv.RawRecord));
                else
                    yield return ManifestEntries.WithColumns(ManifestEntries.Resolve(csv.GetString(column), Manifest, line), OtherColumns(csv, column), line, Encoding.UTF8.GetString(csv.RawRecord));
            }
        }
    }

    /// <summary>A CSV record's fields other than the uri, by header name, as strings; null when the header has no other column.</summary>
    private static Dictionary<string, System.Text.Json.JsonElement>? OtherColumns(CsvReader csv, int uriColumn)
    {
        Dictionary<string, System.Text.Json.JsonElement>? columns = null;
        for (var i = 0; i < csv.Headers.Count; i++)
        {
            if (i != uriColumn)
                (columns ??= new(StringComparer.Ordinal))[csv.Headers[i]] = System.Text.Json.JsonSerializer.SerializeToElement(i < csv.FieldCount ? csv.GetString(i) : "");
        }
        return columns;
    }

    /// <summary>Past <see cref="ItemLimits.MaxManifestLines"/> the manifest is not one a job may list: planning stops, naming the setting.</summary>
    private void CheckLineCount(long line)
    {
        if (line > _limits.MaxManifestLines)
        {
            throw new DatasetLimitException(string.Create(CultureInfo.InvariantCulture,
                $"manifest '{Display}' has more than {_limits.MaxManifestLines:N0} lines ({ItemLimits.Setting(nameof(ItemLimits.MaxManifestLines))}); split it into several jobs"));
        }
    }

    // A CSV record over the line limit (an unclosed quote making the rest of a large manifest one record) is an error
    // row: the reader resynchronises at the next line by itself.
    private CsvReaderOptions CsvOptions(Action<CsvMalformedRecord>? onMalformed) => new()
    {
        Separator = ',',
        HasHeader = true,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        MaxRecordSize = _limits.MaxManifestLineLength,
        OnMalformedRecord = onMalformed,
    };

    private async Task<int> UriColumnIndexAsync(CsvReader csv, CancellationToken cancellationToken)
    {
        await csv.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        // The header's own text stays out of the message: it is the file's content, and the message goes back to the submitter.
        if (!csv.TryGetFieldIndex(UriColumn, out var index))
        {
            var header = csv.Headers.Count == 0 ? "it is empty" : $"its header has {csv.Headers.Count} other columns";
            throw new DatasetNotFoundException($"manifest '{Display}' has no '{UriColumn}' column ({header})");
        }
        return index;
    }

    private static long ParseCheckpoint(string? checkpoint)
    {
        if (checkpoint is null)
            return 0;
        if (!long.TryParse(checkpoint, NumberStyles.None, CultureInfo.InvariantCulture, out var line))
            throw new ArgumentException($"'{checkpoint}' is not a checkpoint of a manifest listing (expected a line number).", nameof(checkpoint));
        return line;
    }

    /// <summary>
    /// A Parquet file is read from its footer back, so it needs a seekable stream: a file or a blob is one; an http(s)
    /// body is spooled to a temporary file (deleted on close), never held in memory.
    /// </summary>
    private static async Task<Stream> SeekableAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
            return stream;
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await stream.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
        spool.Position = 0;
        return spool;
    }

    /// <summary>Opens the manifest for one sequential read; only opening is retried, the stream is read once.</summary>
    private async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (Manifest.IsFile)
        {
            var path = Manifest.LocalPath;
            if (!File.Exists(path))
            {
                throw new DatasetNotFoundException(Directory.Exists(path)
                    ? $"manifest '{path}' is a folder, not a file"
                    : $"manifest '{path}' does not exist");
            }
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        if (AccountBlobs.TryGet(account, Manifest, out var blob))
        {
            try
            {
                return await resilience.ExecuteAsync(
                    async ct => await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 403 or 401)
            {
                throw new DatasetNotFoundException(e.Status == 404
                    ? $"manifest '{Display}' does not exist"
                    : $"manifest '{Display}' refused access ({e.Status}): {e.ErrorCode}", e);
            }
        }

        var response = await resilience.ExecuteAsync(async ct =>
        {
            var r = await http.GetAsync(Manifest, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (r.IsSuccessStatusCode || !IsTransient(r.StatusCode))
                return r;
            r.Dispose();
            throw new HttpRequestException($"GET {Display} failed: {(int)r.StatusCode} {r.ReasonPhrase}", null, r.StatusCode);
        }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new DatasetNotFoundException(response.StatusCode == HttpStatusCode.NotFound
                    ? $"manifest '{Display}' does not exist (404)"
                    : $"manifest '{Display}' could not be read: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;
}
