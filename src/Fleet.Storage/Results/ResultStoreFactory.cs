using Polly;

namespace Fleet.Storage.Results;

/// <summary>Output string -> store: a blob container URI (with optional prefix) or a local folder.</summary>
public sealed class ResultStoreFactory(StorageAccount? account, ResiliencePipeline resilience)
{
    public IResultStore Create(string output)
    {
        if (BlobLocation.LooksLikeBlobUri(output))
        {
            var location = BlobLocation.Parse(new Uri(output));
            var container = account is not null ? account.GetContainer(location) : new Azure.Storage.Blobs.BlobContainerClient(location.ContainerUri);
            return new BlobResultStore(container, location.Prefix, resilience);
        }
        if (Uri.TryCreate(output, UriKind.Absolute, out var uri) && uri.IsFile)
            return new LocalResultStore(uri.LocalPath, resilience);
        if (output.Contains("://", StringComparison.Ordinal))
            throw new ArgumentException($"output '{output}' has a scheme Fleet cannot write (use a folder, file:// or an http(s):// blob container URI)");
        return new LocalResultStore(output, resilience);
    }
}
