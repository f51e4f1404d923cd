using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Development;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests;

/// <summary>
/// A fleet configured the way infra/ configures Azure: a silo and the API that find each other through the
/// membership table and reach storage by service URIs (Fleet:Storage), no connection string anywhere. Azurite has no
/// Entra ID, so its account key stands in for the managed identity; everything else is the path Azure takes.
/// </summary>
public sealed class IdentityFleetFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private IHost? _silo;
    private WebApplicationFactory<ApiAssembly>? _api;

    public AzuriteInstance Azurite => _azurite.Instance;

    /// <summary>The silo's services (its storage account, for checks).</summary>
    public IServiceProvider SiloServices => _silo!.Services;

    public string ClusterId { get; } = "identity-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>What the Bicep sets (Fleet__Storage__BlobServiceUri, __TableServiceUri), plus Azurite's key as the credential.</summary>
    public StorageSettings Settings => new()
    {
        BlobServiceUri = Azurite.BlobEndpoint,
        TableServiceUri = Azurite.TableEndpoint,
        AccountKey = AzuriteInstance.AccountKey,
    };

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();

        // Exactly the settings the silo's container app gets (environment variables there), and local roots for the tests' folders.
        _silo = TestSiloHost.Build(new Dictionary<string, string?>
        {
            ["Fleet:Storage:BlobServiceUri"] = Settings.BlobServiceUri!.ToString(),
            ["Fleet:Storage:TableServiceUri"] = Settings.TableServiceUri!.ToString(),
            ["Fleet:Storage:AccountKey"] = AzuriteInstance.AccountKey,
            ["Fleet:Silo:Clustering"] = "AzureTable",
            ["Fleet:Silo:AdvertisedIPAddress"] = "127.0.0.1",
            ["Fleet:Silo:SiloPort"] = "0",
            ["Fleet:Silo:GatewayPort"] = "0",
            ["Fleet:Silo:ClusterId"] = ClusterId,
            ["Fleet:Intake:LocalRoots:0"] = TestPaths.TempRoot,
            ["Fleet:Intake:LocalRoots:1"] = TestPaths.DataMirror,
        });
        await _silo.StartAsync();

        _api = new WebApplicationFactory<ApiAssembly>().WithWebHostBuilder(web =>
        {
            // Exactly the settings the API's container app gets, as configuration (environment variables there).
            web.UseSetting("Fleet:Client:Clustering", "AzureTable");
            web.UseSetting("Fleet:Client:ClusterId", ClusterId);
            web.UseSetting("Fleet:Storage:BlobServiceUri", Settings.BlobServiceUri!.ToString());
            web.UseSetting("Fleet:Storage:TableServiceUri", Settings.TableServiceUri!.ToString());
            web.UseSetting("Fleet:Storage:AccountKey", AzuriteInstance.AccountKey);
            web.UseSetting("Fleet:Api:Key", ApiFixture.Key);
            web.ConfigureLogging(logging => logging.ClearProviders());
        });
    }

    public HttpClient Client()
    {
        var client = _api!.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, ApiFixture.Key);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
        await _azurite.DisposeAsync();
    }
}
