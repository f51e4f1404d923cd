using System.Diagnostics;
using Fleet.Development;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class AzuriteLauncherTests
{
    [Fact]
    public async Task Missing_node_modules_fails_fast_with_the_fix_in_the_message()
    {
        var empty = TestPaths.NewTempFolder("no-node-modules");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<AzuriteNotAvailableException>(
            () => AzuriteLauncher.StartAsync(new AzuriteOptions { ToolsRoot = empty }));

        Assert.Contains("npm ci", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Missing_node_fails_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<AzuriteNotAvailableException>(() => AzuriteLauncher.StartAsync(
            new AzuriteOptions { ToolsRoot = TestPaths.RepoRoot, NodeExecutable = "/nonexistent/node-binary" }));

        Assert.Contains("Node.js", error.Message);
    }

    [Fact]
    public async Task Persistent_location_keeps_blobs_across_restarts()
    {
        var location = TestPaths.NewTempFolder("azurite-data");
        await using (var first = await AzuriteLauncher.StartAsync(new AzuriteOptions { ToolsRoot = TestPaths.RepoRoot, Location = location }))
        {
            var container = new Azure.Storage.Blobs.BlobServiceClient(first.ConnectionString).GetBlobContainerClient("keep");
            await container.CreateIfNotExistsAsync();
            await container.GetBlobClient("x.txt").UploadAsync(BinaryData.FromString("kept"), overwrite: true);
        }

        await using var second = await AzuriteLauncher.StartAsync(new AzuriteOptions { ToolsRoot = TestPaths.RepoRoot, Location = location });
        var blob = new Azure.Storage.Blobs.BlobServiceClient(second.ConnectionString).GetBlobContainerClient("keep").GetBlobClient("x.txt");
        Assert.Equal("kept", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }
}
