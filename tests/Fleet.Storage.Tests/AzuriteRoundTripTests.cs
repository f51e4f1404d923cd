using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class AzuriteRoundTripTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Blob_written_through_the_sdk_reads_back_identically()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("roundtrip");
        await container.CreateIfNotExistsAsync();
        var payload = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();

        await container.GetBlobClient("a/b.bin").UploadAsync(new BinaryData(payload), overwrite: true);
        var back = await container.GetBlobClient("a/b.bin").DownloadContentAsync();

        Assert.Equal(payload, back.Value.Content.ToArray());
    }

    [Fact]
    public async Task Table_entity_upserted_through_the_sdk_reads_back()
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("roundtrip");
        await table.CreateIfNotExistsAsync();
        var entity = new TableEntity("job-1", "shard-000007") { ["Images"] = 64, ["State"] = "done" };

        await table.UpsertEntityAsync(entity);
        var back = await table.GetEntityAsync<TableEntity>("job-1", "shard-000007");

        Assert.Equal(64, back.Value.GetInt32("Images"));
        Assert.Equal("done", back.Value.GetString("State"));
    }

    [Fact]
    public void Instance_listens_on_three_distinct_free_ports()
    {
        var ports = new[] { azurite.Instance.BlobPort, azurite.Instance.QueuePort, azurite.Instance.TablePort };
        Assert.Equal(3, ports.Distinct().Count());
        Assert.False(azurite.Instance.HasExited);
    }
}
