using Fleet.ServiceDefaults;
using Fleet.Silo;
using Fleet.Storage.Azurite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Cli.Embedded;

/// <summary>
/// A whole fleet inside the CLI process: Azurite under ./.fleet/ (unless storage is configured) and one
/// in-process silo. Stopping it leaves Azurite's data on disk, so the same job id resumes next time.
/// </summary>
public sealed class EmbeddedFleet : IAsyncDisposable
{
    private readonly AzuriteInstance? _azurite;
    private readonly IHost _host;

    private EmbeddedFleet(AzuriteInstance? azurite, IHost host)
    {
        _azurite = azurite;
        _host = host;
    }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Where the storage came from, for the summary.</summary>
    public required string StorageDescription { get; init; }

    public static async Task<EmbeddedFleet> StartAsync(string? storageConnectionString, string workDirectory, CancellationToken cancellationToken)
    {
        AzuriteInstance? azurite = null;
        var description = "configured storage";
        if (string.IsNullOrWhiteSpace(storageConnectionString))
        {
            var location = Path.Combine(workDirectory, "azurite");
            azurite = await AzuriteLauncher.StartAsync(new AzuriteOptions { Location = location }, cancellationToken);
            storageConnectionString = azurite.ConnectionString;
            description = $"Azurite at {azurite.BlobEndpoint} (data in {location})";
        }

        try
        {
            var ports = FreePorts.Take(2);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, Args = [] });
            builder.AddServiceDefaults();
            builder.AddFleetLogging(logFile: Path.Combine(workDirectory, "logs", "fleet-.log"));
            builder.AddFleetSilo(new FleetSiloOptions
            {
                StorageConnectionString = storageConnectionString,
                Clustering = SiloClustering.Localhost,
                SiloPort = ports[0],
                GatewayPort = ports[1],
            });
            var host = builder.Build();
            await host.StartAsync(cancellationToken);
            return new EmbeddedFleet(azurite, host) { StorageDescription = description };
        }
        catch
        {
            if (azurite is not null)
                await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _host.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // A silo that will not stop in 20 s is torn down with the process.
        }
        finally
        {
            _host.Dispose();
            if (_azurite is not null)
                await _azurite.DisposeAsync();
        }
    }
}
