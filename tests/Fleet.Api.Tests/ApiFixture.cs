using Fleet.Contracts;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests;

/// <summary>A real silo on Azurite, and the real API (in memory) connected to it through the silo's gateway.</summary>
public class ApiFixture : IAsyncLifetime
{
    public const string Key = "test-key-0123456789abcdef";

    /// <summary>A team beside the default key: principal name -> (key, role).</summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string Role)> Team = new Dictionary<string, (string, string)>
    {
        ["alice"] = ("alice-key-0123456789abcdef", "submitter"),
        ["bob"] = ("bob-key-0123456789abcdef0", "submitter"),
        ["carol"] = ("carol-key-0123456789abcdef", "reader"),
        ["ops"] = ("ops-key-0123456789abcdef00", "admin"),
    };

    private readonly FleetSiloFixture _silo;
    private WebApplicationFactory<ApiAssembly>? _api;

    public ApiFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>For a fixture whose silo needs settings of its own (xUnit builds fixtures by their public constructor).</summary>
    protected ApiFixture(IReadOnlyDictionary<string, string?> siloSettings) => _silo = new FleetSiloFixture { ExtraSettings = siloSettings };

    public FleetSiloFixture Silo => _silo;

    /// <summary>The API under test, for a test that layers settings of its own over it (WithWebHostBuilder).</summary>
    public WebApplicationFactory<ApiAssembly> Factory => _api!;

    public async Task InitializeAsync()
    {
        await _silo.InitializeAsync();
        _api = new WebApplicationFactory<ApiAssembly>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Client:Clustering", "Localhost");
            web.UseSetting("Fleet:Client:GatewayPort", _silo.GatewayPort.ToString());
            web.UseSetting("Fleet:Api:Key", Key);
            foreach (var (name, (key, role)) in Team)
            {
                web.UseSetting($"Fleet:Api:Keys:{name}:Key", key);
                web.UseSetting($"Fleet:Api:Keys:{name}:Role", role);
            }
            web.ConfigureLogging(logging => logging.ClearProviders());
        });
    }

    public HttpClient Client(string? key = Key)
    {
        var client = _api!.CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, key);
        return client;
    }

    /// <summary>A client signed in as <paramref name="principal"/> of <see cref="Team"/>.</summary>
    public HttpClient ClientOf(string principal) => Client(Team[principal].Key);

    public async Task DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        await _silo.DisposeAsync();
    }
}
