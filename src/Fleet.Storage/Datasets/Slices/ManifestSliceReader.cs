using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Fleet.Storage.Limits;

namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// Reads the items of one slice of a text manifest (.txt, .jsonl, .csv): the lines it owns (<see cref="SliceBounds"/>),
/// turned into items as a full listing would (blank and, in .txt, # lines skipped; every other line an item or an
/// "invalid:" item), except that an error names the line's byte offset, not its number, and a CSV line is one record.
/// </summary>
public static class ManifestSliceReader
{
    private const string UriColumn = "uri";

    /// <summary>Bytes read past a slice's end for the line that straddles it, in the first request.</summary>
    private const int StraddleAllowance = 4096;

    /// <summary>Bytes asked for a CSV header in the first request.</summary>
    private const int HeaderRequest = 16 * 1024;

    public static async IAsyncEnumerable<SlicedItem> ReadAsync(IManifestSource source, ManifestFormat format, Uri manifest, SliceBounds slice, ItemLimits limits,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (format is not (ManifestFormat.Text or ManifestFormat.JsonLines or ManifestFormat.Csv))
            throw new ArgumentException($"a {format} manifest is not read by byte ranges", nameof(format));
        var describe = $"manifest '{source.Display}'";
        CsvHeader? header = format == ManifestFormat.Csv ? await ReadHeaderAsync(source, slice.Version, limits, cancellationToken).ConfigureAwait(false) : null;

        var start = Math.Max(slice.Start, slice.DataStart);
        if (start >= slice.End)
            yield break;
        // From the byte before the start: if it ends a line, the line at the start is this slice's.
        var skipFirst = start > slice.DataStart;
        var from = skipFirst ? start - 1 : start;
        var stream = await source.OpenAsync(from, slice.End - from + StraddleAllowance, slice.Version, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var lines = new SliceLineReader(stream, from, limits.MaxManifestLineLength, describe, slice.End - from + StraddleAllowance);
            if (skipFirst)
                await lines.SkipLineAsync(cancellationToken).ConfigureAwait(false);
            var fields = new List<string>();
            while (lines.NextOffset < slice.End && await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false))
            {
                var offset = lines.LineOffset;
                var bytes = lines.Line.Span;
                if (offset == 0 && bytes.StartsWith(Encoding.UTF8.Preamble))
                    bytes = bytes[Encoding.UTF8.Preamble.Length..];
                var text = Encoding.UTF8.GetString(bytes);
                if (string.IsNullOrWhiteSpace(text))
                    continue;
                var at = EntryPosition.Byte(offset);
                switch (format)
                {
                    case ManifestFormat.Text:
                        if (!text.AsSpan().TrimStart().StartsWith("#", StringComparison.Ordinal))
                            yield return new SlicedItem(offset, ManifestEntries.Resolve(text, manifest, at));
                        break;
                    case ManifestFormat.JsonLines:
                        yield return new SlicedItem(offset, ManifestEntries.FromJson(text, manifest, at));
                        break;
                    default:
                        yield return new SlicedItem(offset, CsvItem(text, header!, fields, manifest, at));
                        break;
                }
            }
        }
    }

    private static DatasetItem CsvItem(string text, CsvHeader header, List<string> fields, Uri manifest, EntryPosition at)
    {
        if (!CsvLine.TrySplit(text, fields, out var malformed))
            return ManifestEntries.Invalid(at, $"malformed CSV ({malformed})", text);
        if (header.UriIndex >= fields.Count || fields[header.UriIndex].Length == 0)
            return ManifestEntries.Invalid(at, "no uri field", text);
        Dictionary<string, JsonElement>? columns = null;
        for (var i = 0; i < header.Names.Count; i++)
        {
            if (i != header.UriIndex)
                (columns ??= new(StringComparer.Ordinal))[header.Names[i]] = JsonSerializer.SerializeToElement(i < fields.Count ? fields[i] : "");
        }
        return ManifestEntries.WithColumns(ManifestEntries.Resolve(fields[header.UriIndex], manifest, at), columns, at, text);
    }

    /// <summary>A CSV manifest's header: its first line, which must name a "uri" column; its records start after it.</summary>
    public static async Task<CsvHeader> ReadHeaderAsync(IManifestSource source, string version, ItemLimits limits, CancellationToken cancellationToken)
    {
        var stream = await source.OpenAsync(0, HeaderRequest, version, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var lines = new SliceLineReader(stream, 0, limits.MaxManifestLineLength, $"manifest '{source.Display}'");
            var text = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) ? Encoding.UTF8.GetString(lines.Line.Span).TrimStart('\uFEFF') : "";
            var names = new List<string>();
            if (text.Length > 0 && !CsvLine.TrySplit(text, names, out _))
                names.Clear();
            var index = names.IndexOf(UriColumn);
            if (index < 0)
            {
                var problem = names.Count == 0 ? "it is empty" : $"its header has {names.Count} other columns";
                throw new DatasetNotFoundException($"manifest '{source.Display}' has no '{UriColumn}' column ({problem})");
            }
            return new CsvHeader(names, index, lines.NextOffset);
        }
    }
}

/// <summary>A CSV manifest's column names, where the uri is, and where the first record starts.</summary>
public sealed record CsvHeader(IReadOnlyList<string> Names, int UriIndex, long DataStart);
