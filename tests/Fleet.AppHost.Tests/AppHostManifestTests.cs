using System.Diagnostics;
using System.Text.Json;
using Fleet.Testing;

namespace Fleet.AppHost.Tests;

/// <summary>
/// What azd reads: the AppHost's manifest in publish mode (`--publisher manifest`). Local-only parts (Azurite, npm ci)
/// must not be in it, and the services must reach storage by service URI and managed identity, never by key.
/// </summary>
public sealed class AppHostManifestTests
{
    [Fact]
    public async Task The_published_manifest_holds_only_deployable_services_wired_to_identity_based_storage()
    {
        var output = Path.Combine(TestPaths.NewTempFolder("manifest"), "aspire-manifest.json");
        var appHost = Path.Combine(AppContext.BaseDirectory, "Fleet.AppHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { appHost, "--publisher", "manifest", "--output-path", output })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await log + await errors);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var resources = manifest.RootElement.GetProperty("resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        Assert.DoesNotContain(resources, r => r.Value.GetProperty("type").GetString()!.StartsWith("executable", StringComparison.Ordinal));
        Assert.Equal("project.v0", resources["silo"].GetProperty("type").GetString());
        Assert.Equal("project.v0", resources["api"].GetProperty("type").GetString());
        foreach (var service in new[] { "silo", "api" })
        {
            var env = resources[service].GetProperty("env").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetString());
            Assert.Equal("{storage-blob-endpoint.value}", env["Fleet__Storage__BlobServiceUri"]);
            Assert.Equal("{storage-table-endpoint.value}", env["Fleet__Storage__TableServiceUri"]);
            Assert.Equal("{managed-identity-client-id.value}", env["AZURE_CLIENT_ID"]);
            Assert.DoesNotContain("FLEET_STORAGE", env.Keys);
            Assert.DoesNotContain(env.Values, v => v!.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        }

        // The API key is a secret parameter (azd stores it as a Container Apps secret), not a value in the manifest.
        Assert.Equal("{api-key.value}", resources["api"].GetProperty("env").GetProperty("Fleet__Api__Key").GetString());
        Assert.True(resources["api-key"].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
    }
}
