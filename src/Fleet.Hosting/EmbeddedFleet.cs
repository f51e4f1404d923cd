using Fleet.Inference.Runtime;
using Fleet.ServiceDefaults;
using Fleet.Worker.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Hosting;

/// <summary>
/// One or more silos inside this process, forming a real cluster over loopback, on the storage the caller names
/// (`fleet run` starts Azurite for it; tests and the bench pass theirs). Each silo is configured exactly as Fleet.Silo
/// is (the environment, the FLEET_* short names), with the caller's settings on top.
/// </summary>
public sealed class EmbeddedFleet : IAsyncDisposable
{
    private readonly IReadOnlyList<IHost> _silos;

    private EmbeddedFleet(IReadOnlyList<IHost> silos) => _silos = silos;

    public IClusterClient Client => _silos[0].Services.GetRequiredService<IClusterClient>();

    /// <summary>What the first silo runs with on this machine (shards in flight, decoders, intra-op threads, batch).</summary>
    public SiloTuning Tuning => SiloTuning.From(
        Services.GetRequiredService<IOptions<InferenceOptions>>().Value, Services.GetRequiredService<IOptions<WorkerOptions>>().Value);

    /// <summary>The services of the first silo (what a test may want to look at).</summary>
    public IServiceProvider Services => _silos[0].Services;

    /// <param name="storageConnectionString">Fleet's storage (Azurite's, in development).</param>
    /// <param name="silos">How many silos; the first holds the loopback cluster's membership.</param>
    /// <param name="settings">Configuration keys on top of the environment (e.g. Fleet:Worker:Capacity).</param>
    /// <param name="logFile">Serilog file (the CLI keeps the terminal for its progress bar); null logs to the console.</param>
    /// <param name="cancellationToken">Stops waiting for the silos to start.</param>
    /// <param name="storageReady">
    /// Completes when the storage answers (Azurite still starting): the first silo is built and its models start loading
    /// before it, and the silos start after it. Null: the storage answers already.
    /// </param>
    /// <param name="preloadClassifier">A classifier to start loading before the silos start (the job's), so the first shard does not wait for it.</param>
    public static async Task<EmbeddedFleet> StartAsync(string storageConnectionString, int silos, IReadOnlyDictionary<string, string?>? settings,
        string? logFile, CancellationToken cancellationToken, Task? storageReady = null, string? preloadClassifier = null)
    {
        var hosts = new List<IHost>();
        try
        {
            int? primary = null;
            for (var i = 0; i < Math.Max(1, silos); i++)
            {
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
                builder.Configuration.AddFleetEnvironmentVariables();
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Fleet:Storage:ConnectionString"] = storageConnectionString,
                    ["Fleet:Silo:Clustering"] = nameof(SiloClustering.Localhost),
                    ["Fleet:Silo:SiloPort"] = "0",
                    ["Fleet:Silo:GatewayPort"] = "0",
                    ["Fleet:Silo:PrimarySiloPort"] = primary?.ToString(),
                    // A user's own machine, their own files: any local path may be a dataset or an output.
                    ["Fleet:Intake:AllowAnyLocalPath"] = "true",
                    // An idle worker asks for work every 50 ms, not 250, and reads the job list as often, not once a
                    // second: the calls stay in this process, and the first shard of a `fleet run` started ~0.45 s
                    // sooner (it waited for the next read of the list).
                    ["Fleet:Worker:PollInterval"] = "00:00:00.050",
                    ["Fleet:Worker:JobListRefresh"] = "00:00:00.050",
                });
                if (settings is not null)
                    builder.Configuration.AddInMemoryCollection(settings);
                builder.AddServiceDefaults();
                builder.AddFleetLogging(logFile);
                var options = builder.AddFleetSilo();
                var host = builder.Build();
                hosts.Add(host);
                if (i == 0)
                {
                    if (preloadClassifier is not null)
                        ModelPreload.Start(host.Services, preloadClassifier);
                    if (storageReady is not null)
                        await storageReady.WaitAsync(cancellationToken);
                }
                await host.StartAsync(cancellationToken);
                primary ??= options.SiloPort;
            }
            return new EmbeddedFleet(hosts);
        }
        catch
        {
            foreach (var host in hosts)
                host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
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
}
