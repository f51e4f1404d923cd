using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Storage.Results;

/// <summary>One line of a part file (DESIGN.md "Result row"): labels (and caption) for one input URI, or an error.</summary>
public sealed record ResultRow
{
    [JsonPropertyName("uri")] public required string Uri { get; init; }
    [JsonPropertyName("labels")] public IReadOnlyList<ResultLabel>? Labels { get; init; }
    [JsonPropertyName("caption")] public string? Caption { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("model")] public required ResultModels Model { get; init; }
    [JsonPropertyName("shard")] public int Shard { get; init; }

    /// <summary>
    /// The manifest's other columns for this item (an "id", a "split"), beside Fleet's own fields at the top level of the
    /// row, so a user joins results to inputs without a lookup; names that are Fleet's own arrive as "input_NAME"
    /// (<see cref="InputColumns"/>). Null for datasets that carry no columns.
    /// </summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Input { get; init; }

    /// <summary>The version of the row schema (JSON fields and Parquet columns alike), recorded in _SUCCESS.json and each Parquet part.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The top-1 label: null for an error row.</summary>
    [JsonIgnore] public ResultLabel? Top => Labels is { Count: > 0 } labels ? labels[0] : null;

    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static ResultRow Parse(string line) =>
        JsonSerializer.Deserialize<ResultRow>(line, Options) ?? throw new InvalidDataException("empty result row");
}

public sealed record ResultLabel(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("classId")] int ClassId,
    [property: JsonPropertyName("score")] float Score);

/// <summary>Which models made a row, and where the classifier ran (the ONNX Runtime provider: CPU or CUDA).</summary>
public sealed record ResultModels(
    [property: JsonPropertyName("classifier")] string Classifier,
    [property: JsonPropertyName("captioner")] string? Captioner,
    [property: JsonPropertyName("provider")] string? Provider = null);
