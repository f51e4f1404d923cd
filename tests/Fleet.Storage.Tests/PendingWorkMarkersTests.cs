using Azure.Storage.Blobs;
using Fleet.Storage.Resilience;
using Fleet.Storage.Scaling;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

/// <summary>
/// The markers KEDA's azure-blob scaler counts (infra/app/silos.bicep): one blob per job that wants workers, in a
/// container of their own, on real blob storage (Azurite).
/// </summary>
public sealed class PendingWorkMarkersTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static async Task<List<string>> BlobsAsync(BlobContainerClient container) =>
        await container.GetBlobsAsync().Select(b => b.Name).Order(StringComparer.Ordinal).ToListAsync();

    [Fact]
    public async Task The_blob_count_is_the_number_of_jobs_that_want_workers()
    {
        // A fresh container name per test run stands for the one the Bicep creates; the first mark creates it if missing.
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"pending-{Guid.NewGuid():N}");
        var markers = new PendingWorkMarkers(container, StorageResilience.Create());

        await markers.MarkAsync("job-a", default);
        await markers.MarkAsync("job-b", default);
        await markers.MarkAsync("job-a", default);
        Assert.Equal(["job-a", "job-b"], await BlobsAsync(container));

        await markers.ClearAsync("job-a", default);
        await markers.ClearAsync("job-a", default);
        Assert.Equal(["job-b"], await BlobsAsync(container));

        // A clear that never happened (its storage call failed) is put right: stale markers go, missing ones come.
        await markers.SyncAsync(["job-c"], default);
        Assert.Equal(["job-c"], await BlobsAsync(container));
    }

    [Fact]
    public async Task Clearing_or_syncing_without_a_container_is_not_an_error()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"pending-{Guid.NewGuid():N}");
        var markers = new PendingWorkMarkers(container, StorageResilience.Create());

        await markers.ClearAsync("job-a", default);
        await markers.SyncAsync([], default);

        Assert.False((await container.ExistsAsync()).Value);
    }

    [Fact]
    public void The_markers_container_is_internal_to_the_fleet()
    {
        Assert.Contains(PendingWorkMarkers.Container, Fleet.Storage.Security.IntakePolicy.InternalContainers);
    }
}
