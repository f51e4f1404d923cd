using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Jobs.Finish;

/// <summary>The contents of {output}/{jobId}/_SUCCESS.json: what ran, on what, with which models, and how long it took.</summary>
public sealed record SuccessManifest
{
    public required string JobId { get; init; }
    public required string Dataset { get; init; }
    public required string Output { get; init; }
    public required long Images { get; init; }
    public required long Succeeded { get; init; }
    public required long Failed { get; init; }
    public required int Shards { get; init; }
    /// <summary>How many parts and how they are named (<see cref="PartsManifest"/>), not a list of every one.</summary>
    public required PartsManifest Parts { get; init; }
    /// <summary>The parts' file format (jsonl or parquet) and the version of the row schema they hold (Fleet.Storage ResultRow).</summary>
    public required string Format { get; init; }
    public required int SchemaVersion { get; init; }
    public required IReadOnlyDictionary<string, ModelFingerprint> Models { get; init; }
    /// <summary>Each classifier that committed shards and the provider it ran on: which ran where.</summary>
    public IReadOnlyList<ClassifierRunManifest> ClassifierRuns { get; init; } = [];
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public double Seconds { get; init; }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}

/// <summary>One classifier that produced rows of the job, its file's sha256 and the provider (CPU or CUDA) it ran on.</summary>
public sealed record ClassifierRunManifest(string Classifier, string? Sha256, string? Provider);

/// <summary>Identifies exactly which model (and settings) produced the rows.</summary>
public sealed record ModelFingerprint(string Name, string? Sha256, IReadOnlyDictionary<string, string>? Settings = null);
