using Azure.Storage.Blobs;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Samples;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class DatasetListerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private DatasetListerFactory Factory() => new(
        new StorageAccount(azurite.ConnectionString),
        new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions { MirrorRoot = TestPaths.DataMirror }, new HttpClient()),
        StorageResilience.Create(),
        new HttpClient());

    [Fact]
    public async Task Local_folder_lists_images_recursively_in_a_stable_order_and_skips_other_files()
    {
        var root = TestPaths.NewTempFolder("listing");
        foreach (var name in new[] { "b.jpg", "a.PNG", "notes.txt", "sub/c.jpeg", "sub/z/d.webp", ".hidden/e.jpg" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, name))!);
            await File.WriteAllTextAsync(Path.Combine(root, name), "x");
        }

        var lister = await Factory().CreateAsync(root, default);
        var names = (await lister.ListAsync(null, default).ToListAsync()).Select(i => Path.GetRelativePath(root, new Uri(i.Uri).LocalPath)).ToList();

        Assert.Equal(["a.PNG", "b.jpg", "sub/c.jpeg", "sub/z/d.webp"], names);
    }

    [Fact]
    public async Task Missing_folder_is_a_clear_error()
    {
        var lister = await Factory().CreateAsync("/no/such/folder", default);

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Blob_prefix_lists_only_images_under_the_prefix()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"ds-{Guid.NewGuid():N}");
        await container.CreateAsync();
        foreach (var name in new[] { "photos/1.jpg", "photos/2.png", "photos/readme.md", "other/3.jpg" })
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString("x"));

        var lister = await Factory().CreateAsync($"{container.Uri}/photos/", default);
        var uris = await lister.ListAsync(null, default).Select(i => i.Uri).ToListAsync();

        Assert.Equal([$"{container.Uri}/photos/1.jpg", $"{container.Uri}/photos/2.png"], uris);
    }

    [Fact]
    public async Task Missing_container_is_a_clear_error()
    {
        var lister = await Factory().CreateAsync($"{azurite.Instance.BlobEndpoint}/nope-{Guid.NewGuid():N}/x", default);

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Sample_dataset_resolves_to_the_mirror_when_it_holds_every_file()
    {
        var lister = await Factory().CreateAsync("sample:imagenet-100", default);
        var uris = await lister.ListAsync(null, default).Select(i => i.Uri).ToListAsync();

        Assert.Equal(100, uris.Count);
        Assert.All(uris, u => Assert.StartsWith(new Uri(TestPaths.ImageNetSample).AbsoluteUri, u));
    }

    [Fact]
    public async Task Unknown_sample_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => Factory().CreateAsync("sample:nope", default));
        Assert.Contains("imagenet-100", error.Message);
    }
}
