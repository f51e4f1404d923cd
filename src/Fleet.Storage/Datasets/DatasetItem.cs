namespace Fleet.Storage.Datasets;

/// <summary>
/// One dataset entry: the URI to read, the checkpoint a listing resumes after, and the manifest's other columns for it
/// (<see cref="Columns"/>, carried into its result row). A manifest line that names no
/// readable URI is kept as an item whose URI starts with <see cref="InvalidPrefix"/>, so it becomes an error row instead of vanishing.
/// </summary>
public readonly record struct DatasetItem(string Uri, string Checkpoint)
{
    public const string InvalidPrefix = "invalid:";

    /// <summary>A manifest's other columns for this entry (CSV fields as strings, JSON values as they are); null for none.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Columns { get; init; }

    /// <summary>Where the item's bytes lie inside the object its URI names (a tar member); null: the whole object.</summary>
    public ItemRange? Range { get; init; }

    /// <summary>True for a manifest line that could not be turned into a URI (the reason follows the prefix).</summary>
    public bool IsInvalid => IsInvalidUri(Uri);

    public static bool IsInvalidUri(string uri) => uri.StartsWith(InvalidPrefix, StringComparison.Ordinal);

    public static DatasetItem Invalid(string reason, string checkpoint) => new(InvalidPrefix + reason, checkpoint);

    /// <summary>Equal when URI, checkpoint, range and columns (by name and JSON text) are: a resumed listing yields equal items.</summary>
    public bool Equals(DatasetItem other) =>
        Uri == other.Uri && Checkpoint == other.Checkpoint && Range == other.Range &&
        (Columns is null || other.Columns is null
            ? Columns is null && other.Columns is null
            : Columns.Count == other.Columns.Count && Columns.All(c => other.Columns.TryGetValue(c.Key, out var value) && value.GetRawText() == c.Value.GetRawText()));

    public override int GetHashCode() => HashCode.Combine(Uri, Checkpoint, Columns?.Count);
}
