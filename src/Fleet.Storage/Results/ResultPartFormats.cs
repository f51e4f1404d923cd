namespace Fleet.Storage.Results;

/// <summary>
/// The part formats by name (a job spec's format) and by file name (a part found in the output). The names are
/// Fleet.Contracts.ResultFormats' (Storage does not reference Contracts; a test keeps the two lists in step).
/// </summary>
public static class ResultPartFormats
{
    public static IReadOnlyList<IResultPartFormat> All { get; } = [JsonLinesPartFormat.Instance, ParquetPartFormat.Instance];

    /// <summary>The format called <paramref name="name"/>; null or empty (a spec from before formats) is JSON lines.</summary>
    public static IResultPartFormat For(string? name) =>
        string.IsNullOrEmpty(name)
            ? JsonLinesPartFormat.Instance
            : All.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"no result format called '{name}' (use {string.Join(" or ", All.Select(f => f.Name))})", nameof(name));

    /// <summary>The format of a committed part file (part-NNNNNN.EXT); null for any other file (a marker, a staged temp file).</summary>
    public static IResultPartFormat? OfPart(string path)
    {
        var file = path[(path.LastIndexOf('/') + 1)..];
        if (!file.StartsWith("part-", StringComparison.Ordinal))
            return null;
        return All.FirstOrDefault(f => file.EndsWith("." + f.Extension, StringComparison.Ordinal));
    }
}
