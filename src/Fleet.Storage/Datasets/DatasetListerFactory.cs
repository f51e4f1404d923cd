using Fleet.Storage.Samples;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>Turns a dataset string (folder, file:// URI, blob URI, sample:name) into its lister.</summary>
public sealed class DatasetListerFactory(StorageAccount? account, SampleDatasetResolver samples, ResiliencePipeline resilience)
{
    public async Task<IDatasetLister> CreateAsync(string dataset, CancellationToken cancellationToken)
    {
        if (SampleDatasetResolver.IsSample(dataset))
            return new LocalFolderLister(await samples.ResolveAsync(dataset, cancellationToken).ConfigureAwait(false));
        if (Uri.TryCreate(dataset, UriKind.Absolute, out var uri) && uri.IsFile)
            return new LocalFolderLister(uri.LocalPath);
        if (BlobLocation.LooksLikeBlobUri(dataset))
        {
            var location = BlobLocation.Parse(new Uri(dataset));
            var container = account is not null ? account.GetContainer(location) : new Azure.Storage.Blobs.BlobContainerClient(location.ContainerUri);
            return new BlobPrefixLister(container, location.Prefix, resilience);
        }
        if (dataset.Contains("://", StringComparison.Ordinal))
            throw new DatasetNotFoundException($"dataset '{dataset}' has a scheme Fleet cannot read (use a folder, file://, http(s):// blob URI or sample:NAME)");
        return new LocalFolderLister(dataset);
    }
}
