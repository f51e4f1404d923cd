using System.Text;
using Azure.Storage.Blobs;
using Fleet.Storage.Datasets;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Testing;

namespace Fleet.Storage.Tests.Slices;

/// <summary>Slices of a manifest blob on Azurite: ranged reads that stop at the slice, pinned to the ETag the plan saw.</summary>
public sealed class BlobSliceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Every_line_of_a_blob_is_read_by_exactly_one_slice()
    {
        var (source, manifest, names) = await UploadAsync("lines.txt", 300);
        var head = await source.HeadAsync(CancellationToken.None);

        var read = new List<string>();
        for (long start = 0; start < head.Size; start += 97)
        {
            var slice = new SliceBounds(start, Math.Min(head.Size, start + 97), head.Version);
            await foreach (var item in ManifestSliceReader.ReadAsync(source, ManifestFormat.Text, manifest, slice, ItemLimits.Default, CancellationToken.None))
                read.Add(item.Item.Uri);
        }

        Assert.Equal(names, read);
    }

    [Fact]
    public async Task A_blob_overwritten_after_planning_fails_its_slices_naming_the_change()
    {
        var (source, manifest, _) = await UploadAsync("changed.txt", 10);
        var head = await source.HeadAsync(CancellationToken.None);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("slices").GetBlobClient("changed.txt").UploadAsync(new BinaryData("http://other/x.jpg\n"), overwrite: true);

        var changed = await Assert.ThrowsAsync<ManifestChangedException>(async () =>
            await ManifestSliceReader.ReadAsync(source, ManifestFormat.Text, manifest, new SliceBounds(0, head.Size, head.Version), ItemLimits.Default, CancellationToken.None).ToListAsync());
        Assert.Contains("changed since the job planned it", changed.Message);
    }

    private async Task<(IManifestSource Source, Uri Manifest, List<string> Names)> UploadAsync(string name, int lines)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("slices");
        await container.CreateIfNotExistsAsync();
        var random = new Random(lines);
        var names = Enumerable.Range(0, lines).Select(i => $"http://images.example/{i:D4}{new string('y', random.Next(0, 200))}.jpg").ToList();
        var blob = container.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(string.Join("\r\n", names))), overwrite: true);
        var slices = new ManifestSlices(new StorageAccount(azurite.ConnectionString), StorageResilience.Create());
        Assert.True(slices.TryGetSource(blob.Uri.AbsoluteUri, out var source, out var manifest, out _));
        return (source, manifest, names);
    }
}
