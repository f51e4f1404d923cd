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
    public async Task The_bundle_starts_through_a_code_cache_it_writes_once_and_a_bad_cache_is_replaced()
    {
        // A copy of the npm ci bundle in a folder of its own, so the cache seen here is the one these starts wrote.
        var root = TestPaths.NewTempFolder("azurite-cache");
        var folder = Path.GetDirectoryName(Path.Combine(root, AzuriteScriptLocator.RelativeBundle))!;
        Directory.CreateDirectory(folder);
        var repoFolder = Path.GetDirectoryName(Path.Combine(TestPaths.RepoRoot, AzuriteScriptLocator.RelativeBundle))!;
        foreach (var name in new[] { "azurite.js", "azurite.bundle.js" })
            File.Copy(Path.Combine(repoFolder, name), Path.Combine(folder, name));
        var script = Path.Combine(root, AzuriteScriptLocator.RelativeScript);
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, ""); // the locator takes a bundle only beside the Azurite it was built from

        // First start: compiled from source; the cache is written 3 s in.
        await ServeOnceAsync(root, stayFor: TimeSpan.FromSeconds(5));
        var cache = await WaitForAsync(() => Directory.GetFiles(folder, "*.cache").SingleOrDefault());
        var written = File.ReadAllBytes(cache);
        Assert.True(written.Length > 1_000_000, $"cache of {written.Length} bytes");

        // Second start: the cache is accepted, so it is not written again.
        await ServeOnceAsync(root, stayFor: TimeSpan.FromSeconds(4));
        Assert.Equal(written, File.ReadAllBytes(cache));

        // A damaged cache is rejected by V8, Azurite still starts, and the cache is written anew.
        File.WriteAllBytes(cache, new byte[4096]);
        await ServeOnceAsync(root, stayFor: TimeSpan.FromSeconds(5));
        await WaitForAsync(() => File.ReadAllBytes(cache).Length > 4096 ? cache : null);
    }

    private static async Task ServeOnceAsync(string toolsRoot, TimeSpan? stayFor = null)
    {
        await using var azurite = await AzuriteLauncher.StartAsync(new AzuriteOptions { ToolsRoot = toolsRoot });
        var container = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("cached");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("x.txt").UploadAsync(BinaryData.FromString("served"), overwrite: true);
        Assert.Equal("served", (await container.GetBlobClient("x.txt").DownloadContentAsync()).Value.Content.ToString());
        if (stayFor is { } wait)
            await Task.Delay(wait);
    }

    private static async Task<string> WaitForAsync(Func<string?> found)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (found() is { } path)
                return path;
            Assert.True(DateTime.UtcNow < deadline, "the code cache was not written within 30 s");
            await Task.Delay(200);
        }
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
