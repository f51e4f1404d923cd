using System.Diagnostics;
using Aspire.Hosting;
using Fleet.Testing;

namespace Fleet.AppHost.Tests;

/// <summary>The README's `export FLEET_API_KEY=$(cat .fleet/api-key)`: what the shell reads is the key the API gets.</summary>
[Collection(AppHostCollection.Name)] // serial with the tests that set FLEET_API_KEY for the whole process
public sealed class ApiKeyFileTests
{
    [Fact]
    public async Task The_generated_key_file_read_by_cat_is_the_key_the_API_is_given()
    {
        var repoRoot = TestPaths.NewTempFolder("apikey-root");

        var key = await GeneratedKeyAsync(repoRoot);

        Assert.Equal(key, await CatAsync(Path.Combine(repoRoot, ".fleet", "api-key")));
        Assert.Equal(48, key.Length);
    }

    [Fact]
    public async Task A_key_file_an_earlier_version_wrote_with_a_BOM_is_rewritten_without_it()
    {
        var repoRoot = TestPaths.NewTempFolder("apikey-root");
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(repoRoot, ".fleet")).FullName, "api-key");
        await File.WriteAllTextAsync(path, "0123456789abcdef0123456789abcdef", System.Text.Encoding.UTF8);
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);

        var key = await GeneratedKeyAsync(repoRoot);

        Assert.Equal("0123456789abcdef0123456789abcdef", key);
        Assert.Equal(key, await CatAsync(path));
    }

    private static async Task<string> GeneratedKeyAsync(string repoRoot)
    {
        var configured = Environment.GetEnvironmentVariable("FLEET_API_KEY");
        Environment.SetEnvironmentVariable("FLEET_API_KEY", null);
        try
        {
            var builder = DistributedApplication.CreateBuilder([]);
            var parameter = builder.AddApiKey(repoRoot);
            return (await parameter.Resource.GetValueAsync(default))!;
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLEET_API_KEY", configured);
        }
    }

    // The shell's view of the file: `$(cat f)` keeps every byte but trailing newlines.
    private static async Task<string> CatAsync(string path)
    {
        // The raw bytes: a StreamReader would drop a BOM that the shell keeps.
        using var cat = Process.Start(new ProcessStartInfo("cat", [path]) { RedirectStandardOutput = true })!;
        using var bytes = new MemoryStream();
        await cat.StandardOutput.BaseStream.CopyToAsync(bytes);
        await cat.WaitForExitAsync();
        return new System.Text.UTF8Encoding(false).GetString(bytes.ToArray()).TrimEnd('\n');
    }
}
