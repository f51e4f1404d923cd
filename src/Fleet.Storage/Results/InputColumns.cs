using System.Text.Json;

namespace Fleet.Storage.Results;

/// <summary>
/// How a manifest's own columns become fields of a result row: kept by name, except the names of Fleet's own fields and
/// columns, which get an "input_" prefix so neither side is lost and a data tool never sees two columns of one name.
/// </summary>
public static class InputColumns
{
    public const string ClashPrefix = "input_";

    /// <summary>Every name a row (JSON) or a Parquet part already uses for Fleet's own data.</summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "uri", "label", "score", "labels", "caption", "error", "shard", "model", "classifier", "captioner", "provider",
    };

    /// <summary>The field name a manifest column named <paramref name="column"/> gets in a row.</summary>
    public static string FieldName(string column) =>
        Reserved.Contains(column) || column.StartsWith(ClashPrefix, StringComparison.OrdinalIgnoreCase) ? ClashPrefix + column : column;

    /// <summary>The row fields for an item's manifest columns; null when there are none (the row then has none either).</summary>
    public static Dictionary<string, JsonElement>? ToFields(IReadOnlyDictionary<string, JsonElement>? columns)
    {
        if (columns is null || columns.Count == 0)
            return null;
        var fields = new Dictionary<string, JsonElement>(columns.Count, StringComparer.Ordinal);
        foreach (var (column, value) in columns)
            fields[FieldName(column)] = value;
        return fields;
    }

    /// <summary>A value as a Parquet string cell: strings as they are, anything else as its JSON text, null as null.</summary>
    public static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
