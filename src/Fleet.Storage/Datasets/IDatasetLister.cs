namespace Fleet.Storage.Datasets;

/// <summary>Streams the items of a dataset in a stable order, never holding the whole listing, and resumes from a checkpoint.</summary>
public interface IDatasetLister
{
    /// <summary>A human-readable description of where the images come from.</summary>
    string Describe();

    /// <summary>Throws <see cref="DatasetNotFoundException"/> when the dataset does not exist or cannot be used.</summary>
    Task EnsureExistsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams items in a stable order, starting after <paramref name="resumeAfter"/> (the <see cref="DatasetItem.Checkpoint"/>
    /// of an earlier item of the same dataset; null = from the start). Resuming after item k yields exactly items k+1...
    /// </summary>
    IAsyncEnumerable<DatasetItem> ListAsync(string? resumeAfter, CancellationToken cancellationToken);
}
