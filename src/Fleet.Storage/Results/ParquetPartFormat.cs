using System.Globalization;
using System.Text.Json;
using Parquet.Schema;
using Parquet.Serialization;

namespace Fleet.Storage.Results;

/// <summary>
/// A part as one Parquet file (one row group) that data tools read without help: flat columns for what a user filters
/// on (uri, the top-1 label and score, caption, error, shard, the models), the top-k as a list of structs, then the
/// manifest's own columns as strings (a column's type could differ between shards; text never does). The file's
/// key-value metadata carries the schema version. Written with Parquet.Net's untyped serializer: the input columns
/// are known only when the shard runs.
/// </summary>
public sealed class ParquetPartFormat : IResultPartFormat
{
    public static ParquetPartFormat Instance { get; } = new();

    public const string SchemaVersionKey = "fleet.schemaVersion";

    public string Name => "parquet";

    public string Extension => "parquet";

    // New fields for every part: Parquet.Net sets a field's path and definition levels when a schema takes it, so fields
    // shared by every part's schema were changed by the parts before (or beside) it, and a part could carry uri
    // definition levels of 2 against its schema's 1 (DuckDB: "Payload value bigger than allowed. Corrupted file?").
    private static Field[] FleetColumns() =>
    [
        new DataField<string>("uri"),
        new DataField<string>("label"),
        new DataField<float?>("score"),
        new ListField("labels", new StructField("element",
            new DataField<string>("label"),
            new DataField<int>("classId"),
            new DataField<float>("score"))),
        new DataField<string>("caption"),
        new DataField<string>("error"),
        new DataField<int>("shard"),
        new DataField<string>("classifier"),
        new DataField<string>("captioner"),
        new DataField<string>("provider"),
    ];

    private static readonly HashSet<string> FleetColumnNames = FleetColumns().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    private static readonly Dictionary<string, string> Metadata = new()
    {
        [SchemaVersionKey] = ResultRow.SchemaVersion.ToString(CultureInfo.InvariantCulture),
    };

    public async Task<byte[]> EncodeAsync(IReadOnlyList<ResultRow> rows, CancellationToken cancellationToken)
    {
        // The part's input columns: every name any of its rows carries, in first-seen order.
        var inputColumns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var name in row.Input?.Keys ?? Enumerable.Empty<string>())
            {
                if (seen.Add(name))
                    inputColumns.Add(name);
            }
        }
        var schema = new ParquetSchema([.. FleetColumns(), .. inputColumns.Select(name => new DataField<string>(name))]);
        var records = new List<IDictionary<string, object?>>(rows.Count);
        foreach (var row in rows)
            records.Add(ToRecord(row, inputColumns));
        using var stream = new MemoryStream();
        await ParquetSerializer.SerializeUntypedAsync(records, schema, stream, customMetadata: Metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
        return stream.ToArray();
    }

    public async Task<IReadOnlyList<ResultRow>> DecodeAsync(byte[] part, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(part, writable: false);
        var result = await ParquetSerializer.DeserializeUntypedAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var inputColumns = result.Schema.Fields.Select(f => f.Name).Where(n => !FleetColumnNames.Contains(n)).ToArray();
        return [.. result.Data.Select(record => FromRecord(record, inputColumns))];
    }

    private static Dictionary<string, object?> ToRecord(ResultRow row, IReadOnlyList<string> inputColumns)
    {
        var top = row.Top;
        var record = new Dictionary<string, object?>(FleetColumnNames.Count + inputColumns.Count, StringComparer.Ordinal)
        {
            ["uri"] = row.Uri,
            ["label"] = top?.Label,
            ["score"] = top?.Score,
            // The untyped serializer takes a list of structs as dictionaries typed exactly so.
            ["labels"] = row.Labels?.Select(l => (IDictionary<string, object>)new Dictionary<string, object>
            {
                ["label"] = l.Label,
                ["classId"] = l.ClassId,
                ["score"] = l.Score,
            }).ToList(),
            ["caption"] = row.Caption,
            ["error"] = row.Error,
            ["shard"] = row.Shard,
            ["classifier"] = row.Model.Classifier,
            ["captioner"] = row.Model.Captioner,
            ["provider"] = row.Model.Provider,
        };
        foreach (var name in inputColumns)
            record[name] = row.Input is { } input && input.TryGetValue(name, out var value) ? InputColumns.AsText(value) : null;
        return record;
    }

    private static ResultRow FromRecord(IDictionary<string, object> record, IReadOnlyList<string> inputColumns)
    {
        object? Get(string name) => record.TryGetValue(name, out var value) ? value : null;
        var labels = (Get("labels") as System.Collections.IEnumerable)?.Cast<IDictionary<string, object>>()
            .Select(l => new ResultLabel((string)l["label"], Convert.ToInt32(l["classId"], CultureInfo.InvariantCulture), Convert.ToSingle(l["score"], CultureInfo.InvariantCulture)))
            .ToArray();
        Dictionary<string, JsonElement>? input = null;
        foreach (var name in inputColumns)
        {
            if (Get(name) is string text)
                (input ??= new(StringComparer.Ordinal))[name] = JsonSerializer.SerializeToElement(text);
        }
        return new ResultRow
        {
            Uri = (string)Get("uri")!,
            Labels = Get("error") is null ? labels ?? [] : null,
            Caption = Get("caption") as string,
            Error = Get("error") as string,
            Model = new ResultModels((string?)Get("classifier") ?? "", Get("captioner") as string, Get("provider") as string),
            Shard = Convert.ToInt32(Get("shard") ?? 0, CultureInfo.InvariantCulture),
            Input = input,
        };
    }
}
