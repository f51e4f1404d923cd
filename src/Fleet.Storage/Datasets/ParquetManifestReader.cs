using System.Runtime.CompilerServices;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Fleet.Storage.Datasets;

/// <summary>
/// A Parquet table of URIs as a manifest: a string column "uri", every other column carried into the item's row. Read
/// one row group at a time (a table of millions of URIs is never in memory whole); an item's checkpoint is its 1-based
/// row number, so a resume skips whole row groups before it.
/// </summary>
internal static class ParquetManifestReader
{
    private const string UriColumn = "uri";

    /// <summary>Throws <see cref="DatasetNotFoundException"/> unless the file is Parquet with a string "uri" column.</summary>
    public static async Task EnsureUriColumnAsync(Stream stream, string display, CancellationToken cancellationToken)
    {
        await using var reader = await OpenAsync(stream, display, cancellationToken).ConfigureAwait(false);
        CheckSchema(reader, display);
    }

    public static async IAsyncEnumerable<DatasetItem> ReadAsync(Stream stream, string display, Uri manifest, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int groups;
        long[] rowsPerGroup;
        await using (var reader = await OpenAsync(stream, display, cancellationToken).ConfigureAwait(false))
        {
            CheckSchema(reader, display);
            groups = reader.RowGroupCount;
            rowsPerGroup = [.. reader.RowGroups.Select(g => g.RowCount)];
        }
        long row = 0;
        for (var group = 0; group < groups; group++)
        {
            if (row + rowsPerGroup[group] <= skip)
            {
                row += rowsPerGroup[group];
                continue;
            }
            stream.Position = 0;
            var table = await ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var record in table.Data)
            {
                row++;
                if (row <= skip)
                    continue;
                yield return ToItem(record, manifest, row);
            }
        }
    }

    private static DatasetItem ToItem(IDictionary<string, object> record, Uri manifest, long row)
    {
        if (!record.TryGetValue(UriColumn, out var uri) || Text(uri) is not { } text)
            return ManifestEntries.Invalid(row, "no uri value", $"row {row}");
        Dictionary<string, JsonElement>? columns = null;
        foreach (var (name, value) in record)
        {
            if (name != UriColumn)
                (columns ??= new(StringComparer.Ordinal))[name] = JsonSerializer.SerializeToElement(Text(value) ?? value);
        }
        var raw = columns is null ? text : JsonSerializer.Serialize(columns);
        return ManifestEntries.WithColumns(ManifestEntries.Resolve(text, manifest, row), columns, row, raw);
    }

    private static async Task<ParquetReader> OpenAsync(Stream stream, string display, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            throw new DatasetNotFoundException($"manifest '{display}' is not a Parquet file ({e.Message})", e);
        }
    }

    private static void CheckSchema(ParquetReader reader, string display)
    {
        // A top-level column only: a "uri" nested in a struct is not the row's URI.
        if (reader.Schema.Fields.FirstOrDefault(f => f.Name == UriColumn) is not DataField { ClrType: var type } || !IsText(type))
            throw new DatasetNotFoundException($"manifest '{display}' has no string '{UriColumn}' column ({reader.Schema.Fields.Count} columns)");
    }

    // Parquet.Net 6 reads a string column as ReadOnlyMemory<char> (no string per cell unless asked); both are text here.
    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static string? Text(object? value) => value switch
    {
        string text => text,
        ReadOnlyMemory<char> memory => memory.ToString(),
        _ => null,
    };
}
