using Azure;
using Azure.Storage.Blobs;
using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Datasets.Slices;

/// <summary>A manifest blob of the configured account; its version is its ETag, and every ranged read is conditional on it.</summary>
public sealed class BlobManifestSource(BlobClient blob, ResiliencePipeline resilience) : IManifestSource
{
    public string Display => SecretRedactor.Uri(blob.Uri.AbsoluteUri);

    public async Task<ManifestHead> HeadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var properties = await resilience.ExecuteAsync(
                async ct => (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            return new ManifestHead(properties.ContentLength, properties.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status is 404 or 403 or 401)
        {
            throw new DatasetNotFoundException(e.Status == 404
                ? $"manifest '{Display}' does not exist"
                : $"manifest '{Display}' refused access ({e.Status}): {e.ErrorCode}", e);
        }
    }

    public Task<Stream> OpenAsync(long offset, long expected, string version, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new RangedBlobStream(blob, Display, offset, expected, new ETag(version), resilience));
}
