using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Storage.Shards;

/// <summary>
/// One item of a shard manifest: the URI to read and the manifest columns it carries into its row (null: none). In the
/// manifest file an item without columns is just its URI string, as manifests were before columns existed.
/// </summary>
[JsonConverter(typeof(ShardItemJsonConverter))]
public sealed record ShardItem(string Uri, IReadOnlyDictionary<string, JsonElement>? Columns = null);

/// <summary>A string for a bare URI, {"uri":..,"columns":{..}} for an item with columns; reads both.</summary>
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
        return new ShardItem(root.GetProperty("uri").GetString()!, columns);
    }

    public override void Write(Utf8JsonWriter writer, ShardItem value, JsonSerializerOptions options)
    {
        if (value.Columns is not { Count: > 0 } columns)
        {
            writer.WriteStringValue(value.Uri);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("uri", value.Uri);
        writer.WritePropertyName("columns");
        writer.WriteStartObject();
        foreach (var (name, column) in columns)
        {
            writer.WritePropertyName(name);
            column.WriteTo(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
