using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Storage.Datasets;

namespace Fleet.Storage.Shards;

/// <summary>
/// One item of a shard manifest: the URI to read, the manifest columns it carries into its row (null: none) and, for a
/// member of a tar, where its bytes lie in the tar (<see cref="Range"/>, so the worker seeks straight to them). In the
/// manifest file an item with neither is just its URI string, as manifests were before columns existed.
/// </summary>
[JsonConverter(typeof(ShardItemJsonConverter))]
public sealed record ShardItem(string Uri, IReadOnlyDictionary<string, JsonElement>? Columns = null, ItemRange? Range = null);

/// <summary>A string for a bare URI, {"uri":..,"columns":{..},"offset":n,"length":n} otherwise; reads both.</summary>
internal sealed class ShardItemJsonConverter : JsonConverter<ShardItem>
{
    public override ShardItem Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return new ShardItem(reader.GetString()!);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var columns = root.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Object
            ? c.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
            : null;
        ItemRange? range = root.TryGetProperty("offset", out var offset) && root.TryGetProperty("length", out var length)
            ? new ItemRange(offset.GetInt64(), length.GetInt64())
            : null;
        return new ShardItem(root.GetProperty("uri").GetString()!, columns, range);
    }

    public override void Write(Utf8JsonWriter writer, ShardItem value, JsonSerializerOptions options)
    {
        if (value.Columns is not { Count: > 0 } && value.Range is null)
        {
            writer.WriteStringValue(value.Uri);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("uri", value.Uri);
        if (value.Columns is { Count: > 0 } columns)
        {
            writer.WritePropertyName("columns");
            writer.WriteStartObject();
            foreach (var (name, column) in columns)
            {
                writer.WritePropertyName(name);
                column.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        if (value.Range is { } range)
        {
            writer.WriteNumber("offset", range.Offset);
            writer.WriteNumber("length", range.Length);
        }
        writer.WriteEndObject();
    }
}
