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
    public void The_one_file_bundle_is_preferred_and_Azurite_itself_is_the_fallback()
    {
        var root = TestPaths.NewTempFolder("azurite-locate");
        var script = Path.Combine(root, AzuriteScriptLocator.RelativeScript);
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, "");
        Assert.Equal(script, AzuriteScriptLocator.Locate(root));

        var bundle = Path.Combine(root, AzuriteScriptLocator.RelativeBundle);
        Directory.CreateDirectory(Path.GetDirectoryName(bundle)!);
        File.WriteAllText(bundle, "");
        Assert.Equal(bundle, AzuriteScriptLocator.Locate(root));

        // A bundle left without the Azurite it was built from is not used.
        File.Delete(script);
        Assert.Throws<AzuriteNotAvailableException>(() => AzuriteScriptLocator.Locate(root));
    }

    [Fact]
    public async Task Npm_ci_builds_the_bundle_and_it_serves_blobs_and_tables()
    {
        // tools/test.sh runs npm ci, whose postinstall bundles Azurite: every Azurite in the suite is the bundle.
        Assert.Equal(Path.Combine(TestPaths.RepoRoot, AzuriteScriptLocator.RelativeBundle), AzuriteScriptLocator.Locate(TestPaths.RepoRoot));

        await using var azurite = await AzuriteLauncher.StartAsync(new AzuriteOptions { ToolsRoot = TestPaths.RepoRoot });
        var container = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("bundle");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("x.txt").UploadAsync(BinaryData.FromString("served"), overwrite: true);
        Assert.Equal("served", (await container.GetBlobClient("x.txt").DownloadContentAsync()).Value.Content.ToString());
        var table = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString).GetTableClient("bundle");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", "r") { ["Value"] = 7 });
        Assert.Equal(7, (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("p", "r")).Value.GetInt32("Value"));
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
