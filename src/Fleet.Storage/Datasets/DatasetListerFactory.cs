using Fleet.Storage.Samples;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Turns a dataset string into its lister: a manifest file (.txt/.jsonl/.csv as a path, file:// or http(s) URI), a folder,
/// a file:// folder, a blob container/prefix URI, or sample:NAME.
/// </summary>
public sealed class DatasetListerFactory(StorageAccount? account, SampleDatasetResolver samples, ResiliencePipeline resilience, HttpClient http)
{
    public async Task<IDatasetLister> CreateAsync(string dataset, CancellationToken cancellationToken)
    {
        if (SampleDatasetResolver.IsSample(dataset))
            return new LocalFolderLister(await samples.ResolveAsync(dataset, cancellationToken).ConfigureAwait(false));
        if (ManifestFileLister.TryLocate(dataset, out var manifest, out var format))
            return new ManifestFileLister(manifest, format, account, http, resilience);
        if (Uri.TryCreate(dataset, UriKind.Absolute, out var uri) && uri.IsFile)
            return new LocalFolderLister(uri.LocalPath);
        if (BlobLocation.LooksLikeBlobUri(dataset))
        {
            var location = BlobLocation.Parse(new Uri(dataset));
            var container = account is not null ? account.GetContainer(location) : new Azure.Storage.Blobs.BlobContainerClient(location.ContainerUri);
            return new BlobPrefixLister(container, location.Prefix, resilience);
        }
        if (dataset.Contains("://", StringComparison.Ordinal))
            throw new DatasetNotFoundException($"dataset '{dataset}' has a scheme Fleet cannot read (use a folder, a .txt/.jsonl/.csv manifest, file://, an http(s):// blob URI or sample:NAME)");
        return new LocalFolderLister(dataset);
    }
}
