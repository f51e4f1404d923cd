using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;

namespace Fleet.Storage.Scaling;

/// <summary>
/// The markers as empty blobs named after the job in Fleet's own <see cref="Container"/>, so the count of blobs there is
/// the count of jobs that want workers (what KEDA's azure-blob scaler reads, with the silos' managed identity).
/// </summary>
public sealed class PendingWorkMarkers(BlobContainerClient container, ResiliencePipeline resilience) : IPendingWorkMarkers
{
    /// <summary>Fleet-internal (never a job's dataset or output); the Bicep creates it, since the scaler needs it before the first job.</summary>
    public const string Container = "fleet-pending";

    public Task MarkAsync(string jobId, CancellationToken cancellationToken) =>
        resilience.ExecuteAsync(async ct =>
        {
            try
            {
                await container.GetBlobClient(jobId).UploadAsync(BinaryData.Empty, overwrite: true, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Locally (Azurite) nothing created it; on Azure the Bicep did.
                await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                await container.GetBlobClient(jobId).UploadAsync(BinaryData.Empty, overwrite: true, ct).ConfigureAwait(false);
            }
        }, cancellationToken).AsTask();

    public Task ClearAsync(string jobId, CancellationToken cancellationToken) =>
        resilience.ExecuteAsync(async ct =>
        {
            try
            {
                await container.DeleteBlobIfExistsAsync(jobId, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // No container, no marker.
            }
        }, cancellationToken).AsTask();

    public async Task SyncAsync(IReadOnlyCollection<string> activeJobs, CancellationToken cancellationToken)
    {
        var present = await resilience.ExecuteAsync(async ct =>
        {
            if (!(await container.ExistsAsync(ct).ConfigureAwait(false)).Value)
                return new HashSet<string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, ct).ConfigureAwait(false))
                names.Add(blob.Name);
            return names;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var stale in present.Except(activeJobs, StringComparer.Ordinal))
            await ClearAsync(stale, cancellationToken).ConfigureAwait(false);
        foreach (var missing in activeJobs.Except(present, StringComparer.Ordinal))
            await MarkAsync(missing, cancellationToken).ConfigureAwait(false);
    }
}
