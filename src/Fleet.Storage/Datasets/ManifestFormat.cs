namespace Fleet.Storage.Datasets;

/// <summary>The layouts a manifest file may have, chosen by its extension.</summary>
public enum ManifestFormat
{
    /// <summary>.txt: one URI per line; blank lines and lines starting with # are skipped.</summary>
    Text,

    /// <summary>.jsonl: one JSON object per line with a "uri" string field.</summary>
    JsonLines,

    /// <summary>.csv: RFC 4180 with a header row that has a "uri" column.</summary>
    Csv,

    /// <summary>.parquet: a table with a string "uri" column.</summary>
    Parquet,
}
