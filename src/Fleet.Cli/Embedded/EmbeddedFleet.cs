using Fleet.ServiceDefaults;
using Fleet.Silo;
using Fleet.Storage.Azurite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Cli.Embedded;

/// <summary>
/// A whole fleet inside the CLI process: Azurite under ./.fleet/ (unless storage is configured) and one or more
/// in-process silos forming a real cluster over loopback. Stopping it leaves Azurite's data on disk, so the same
/// job id resumes next time.
/// </summary>
public sealed class EmbeddedFleet : IAsyncDisposable
{
    private readonly AzuriteInstance? _azurite;
    private readonly IReadOnlyList<IHost> _silos;

    private EmbeddedFleet(AzuriteInstance? azurite, IReadOnlyList<IHost> silos)
    {
        _azurite = azurite;
        _silos = silos;
    }

    public IClusterClient Client => _silos[0].Services.GetRequiredService<IClusterClient>();

    /// <summary>Where the storage came from, for the summary.</summary>
    public required string StorageDescription { get; init; }

    public static async Task<EmbeddedFleet> StartAsync(string? storageConnectionString, string workDirectory, int silos, CancellationToken cancellationToken)
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

        var hosts = new List<IHost>();
        try
        {
            int? primary = null;
            for (var i = 0; i < Math.Max(1, silos); i++)
            {
                var ports = FreePorts.Take(2);
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
                builder.AddServiceDefaults();
                builder.AddFleetLogging(logFile: Path.Combine(workDirectory, "logs", "fleet-.log"));
                builder.AddFleetSilo(new FleetSiloOptions
                {
                    StorageConnectionString = storageConnectionString,
                    Clustering = SiloClustering.Localhost,
                    SiloPort = ports[0],
                    GatewayPort = ports[1],
                    PrimarySiloPort = primary,
                });
                var host = builder.Build();
                hosts.Add(host);
                await host.StartAsync(cancellationToken);
                primary ??= ports[0];
            }
            return new EmbeddedFleet(azurite, hosts) { StorageDescription = description };
        }
        catch
        {
            foreach (var host in hosts)
                host.Dispose();
            if (azurite is not null)
                await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Secondary silos first: the first one holds the loopback cluster's membership.
            foreach (var host in _silos.Reverse())
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await host.StopAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    // A silo that will not stop in 20 s is torn down with the process.
                }
                host.Dispose();
            }
        }
        finally
        {
            if (_azurite is not null)
                await _azurite.DisposeAsync();
        }
    }
}
