namespace Fleet.Contracts;

/// <summary>The file formats a job's result parts can be written in (JobSpec.Format); every door validates against this list.</summary>
public static class ResultFormats
{
    /// <summary>One JSON object per line (DESIGN.md "Result row"): what a job gets unless it asks for another.</summary>
    public const string JsonLines = "jsonl";

    /// <summary>One Parquet file per shard, columns as docs/results.md lists them, for pandas, DuckDB, Spark or Polars.</summary>
    public const string Parquet = "parquet";

    public const string Default = JsonLines;

    public static IReadOnlyList<string> All { get; } = [JsonLines, Parquet];

    /// <summary>A spec persisted before formats existed has none: its parts are JSON lines.</summary>
    public static string OrDefault(string? format) => string.IsNullOrEmpty(format) ? Default : format;
}
