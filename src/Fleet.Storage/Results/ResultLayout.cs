namespace Fleet.Storage.Results;

/// <summary>The names of a job's output files, the same for a folder and a blob container.</summary>
public static class ResultLayout
{
    public const string SuccessMarker = "_SUCCESS.json";

    public static string Part(string jobId, int shard, IResultPartFormat format) => $"{Folder(jobId)}/part-{shard:D6}.{format.Extension}";

    public static string ErrorPart(string jobId, int shard, IResultPartFormat format) => $"{Folder(jobId)}/errors/part-{shard:D6}.{format.Extension}";

    public static string Success(string jobId) => $"{Folder(jobId)}/{SuccessMarker}";

    /// <summary>The job's folder: one plain name, so no job id can write outside the output ("..", "/", "\").</summary>
    public static string Folder(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (jobId is "." or ".." || jobId.IndexOfAny(['/', '\\', '\0']) >= 0)
            throw new ArgumentException($"'{jobId}' cannot name a job's output folder", nameof(jobId));
        return jobId;
    }
}
