namespace Fleet.Storage.Datasets;

/// <summary>
/// One dataset entry: the URI to read and the checkpoint a listing resumes after. A manifest line that names no
/// readable URI is kept as an item whose URI starts with <see cref="InvalidPrefix"/>, so it becomes an error row instead of vanishing.
/// </summary>
public readonly record struct DatasetItem(string Uri, string Checkpoint)
{
    public const string InvalidPrefix = "invalid:";

    /// <summary>True for a manifest line that could not be turned into a URI (the reason follows the prefix).</summary>
    public bool IsInvalid => IsInvalidUri(Uri);

    public static bool IsInvalidUri(string uri) => uri.StartsWith(InvalidPrefix, StringComparison.Ordinal);

    public static DatasetItem Invalid(string reason, string checkpoint) => new(InvalidPrefix + reason, checkpoint);
}
