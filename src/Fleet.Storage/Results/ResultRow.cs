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
