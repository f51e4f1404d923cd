using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Contracts;
using Fleet.Storage.Security;

namespace Fleet.Cli.Rendering;

/// <summary>What `fleet run` reports at the end, as text or (with --json) one JSON object.</summary>
public sealed record RunSummary
{
    public required string JobId { get; init; }
    public required string State { get; init; }
    public long Images { get; init; }
    public long Succeeded { get; init; }
    public long Failed { get; init; }
    public int Shards { get; init; }
    public double Seconds { get; init; }
    public double ImagesPerSecond { get; init; }

    /// <summary>Seconds from the command's start until the job was submitted: storage, silo, model load begun.</summary>
    public double? StartupSeconds { get; init; }

    public required string Output { get; init; }
    public string? Reason { get; init; }

    public static RunSummary From(JobStatus status, string output, double seconds, double? startupSeconds = null) => new()
    {
        StartupSeconds = startupSeconds is { } startup ? Math.Round(startup, 2) : null,
        JobId = status.JobId,
        State = status.State.ToString().ToLowerInvariant(),
        Images = status.ImagesTotal,
        Succeeded = status.ImagesSucceeded,
        Failed = status.ImagesFailed,
        Shards = status.ShardsTotal,
        Seconds = Math.Round(seconds, 2),
        ImagesPerSecond = Math.Round(status.ImagesPerSecond, 2),
        Output = output,
        Reason = status.Reason,
    };

    /// <summary>
    /// Where a job's rows are, as it may be printed: "{output}/{job}/" with the output's query (a SAS) left out, so the
    /// location is a well-formed URL or path that shows no secret.
    /// </summary>
    public static string RowsLocation(string output, string jobId) =>
        $"{SecretRedactor.Uri(output).TrimEnd('/')}/{jobId}/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToText() =>
        $"job {JobId} {State}: {Succeeded} labeled, {Failed} failed of {Images} images in {Shards} shards, " +
        $"{Seconds:0.0} s ({ImagesPerSecond:0.0} img/s{(StartupSeconds is { } startup ? $", start-up {startup:0.0} s" : "")})\nrows: {Output}" + (Reason is null ? "" : $"\nreason: {Reason}");
}
