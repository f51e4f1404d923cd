namespace Fleet.Storage.Results;

/// <summary>The names of a job's output files, the same for a folder and a blob container.</summary>
public static class ResultLayout
{
    public const string SuccessMarker = "_SUCCESS.json";

    public static string Part(string jobId, int shard) => $"{jobId}/part-{shard:D6}.jsonl";

    public static string ErrorPart(string jobId, int shard) => $"{jobId}/errors/part-{shard:D6}.jsonl";

    public static string Success(string jobId) => $"{jobId}/{SuccessMarker}";
}
