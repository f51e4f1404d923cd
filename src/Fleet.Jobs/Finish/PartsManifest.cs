using Fleet.Storage.Results;

namespace Fleet.Jobs.Finish;

/// <summary>
/// The parts of a finished job as _SUCCESS.json states them: how many there are and the rule that names them, not
/// every name (a 15M-shard job's list would be hundreds of MB in one object). Every shard has exactly one data part,
/// <c>{Folder}/{PartFile(shard)}.{Extension}</c> for shard 0 to <see cref="Data"/> - 1; error parts exist only for the
/// shards that had failures and sit under <c>errors/</c> with the same names.
/// </summary>
public sealed record PartsManifest
{
    /// <summary>Data parts: one per shard.</summary>
    public required int Data { get; init; }
    /// <summary>Error parts (shards with at least one failed image).</summary>
    public required int Errors { get; init; }
    /// <summary>The job's folder in the output, e.g. <c>job-7</c>.</summary>
    public required string Folder { get; init; }
    /// <summary>The parts' file extension, e.g. <c>jsonl</c>.</summary>
    public required string Extension { get; init; }
    /// <summary>How a shard's file is named (<see cref="ResultLayout.PartNaming"/>); names sort in shard order.</summary>
    public string Naming { get; init; } = ResultLayout.PartNaming;
    /// <summary>The first and last data part, so a reader can check the rule against real names.</summary>
    public string? First { get; init; }
    public string? Last { get; init; }

    public static PartsManifest For(string jobId, int shards, int errorParts, IResultPartFormat format) => new()
    {
        Data = shards,
        Errors = errorParts,
        Folder = ResultLayout.Folder(jobId),
        Extension = format.Extension,
        First = shards == 0 ? null : ResultLayout.Part(jobId, 0, format),
        Last = shards == 0 ? null : ResultLayout.Part(jobId, shards - 1, format),
    };

    /// <summary>The data part of every shard, in shard order, from the rule (never held in memory all at once).</summary>
    public IEnumerable<string> DataParts()
    {
        for (var shard = 0; shard < Data; shard++)
            yield return $"{Folder}/{ResultLayout.PartFile(shard)}.{Extension}";
    }
}
