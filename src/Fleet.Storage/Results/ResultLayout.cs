using System.Globalization;

namespace Fleet.Storage.Results;

/// <summary>The names of a job's output files, the same for a folder and a blob container.</summary>
public static class ResultLayout
{
    public const string SuccessMarker = "_SUCCESS.json";

    /// <summary>Shards from here on are named <c>part-z</c> plus ten digits, so part names keep sorting in shard order.</summary>
    public const int WideFrom = 1_000_000;

    public static string Part(string jobId, int shard, IResultPartFormat format) => $"{Folder(jobId)}/{PartFile(shard)}.{format.Extension}";

    public static string ErrorPart(string jobId, int shard, IResultPartFormat format) => $"{Folder(jobId)}/errors/{PartFile(shard)}.{format.Extension}";

    /// <summary>
    /// A part's file name without extension: six digits below <see cref="WideFrom"/> (the names every job had before),
    /// <c>z</c> and ten digits from it on ('z' sorts after every digit), so an ordinal sort of the names is shard order
    /// for every shard an int can number.
    /// </summary>
    public static string PartFile(int shard) =>
        shard < WideFrom ? $"part-{shard.ToString("D6", CultureInfo.InvariantCulture)}" : $"part-z{shard.ToString("D10", CultureInfo.InvariantCulture)}";

    /// <summary>The naming rule of <see cref="PartFile"/> in words, as _SUCCESS.json states it.</summary>
    public const string PartNaming = "part-{shard:D6} below shard 1000000, part-z{shard:D10} from it on";

    /// <summary>The shard of a part file or path (<c>…/part-000012.jsonl</c>, <c>…/part-z0001000000.parquet</c>); null for any other name.</summary>
    public static int? ShardOfPartFile(string path)
    {
        var file = path[(path.LastIndexOf('/') + 1)..];
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        if (!file.StartsWith("part-", StringComparison.Ordinal) || dot < 0)
            return null;
        var digits = file["part-".Length..dot];
        var wide = digits.StartsWith('z');
        if (wide)
            digits = digits[1..];
        if (digits.Length != (wide ? 10 : 6) || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
            return null;
        return wide == shard >= WideFrom ? shard : null;
    }

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
