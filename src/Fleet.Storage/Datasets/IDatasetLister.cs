namespace Fleet.Storage.Datasets;

/// <summary>Streams the image URIs of a dataset in a stable order, never holding the whole listing.</summary>
public interface IDatasetLister
{
    /// <summary>A human-readable description of where the images come from.</summary>
    string Describe();

    /// <summary>Throws <see cref="DatasetNotFoundException"/> when the dataset does not exist.</summary>
    Task EnsureExistsAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken);
}
