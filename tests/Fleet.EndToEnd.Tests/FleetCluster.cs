using Azure.Data.Tables;
using Fleet.Contracts;
using Fleet.Development;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Fleet.EndToEnd.Tests;

/// <summary>
/// A real Orleans cluster of Fleet silos in this process (the production hosting code), clustered through Azurite's
/// tables so any silo can die, plus a separate client. Silos can be killed, stopped and replaced by new ones.
/// </summary>
public sealed class FleetCluster : IAsyncDisposable
{
    private readonly AzuriteInstance _azurite;
    private readonly Dictionary<string, string?> _settings;
    private readonly List<IHost> _silos = [];
    private IHost? _client;

    private readonly Action<IServiceCollection>? _configureSilo;

    public FleetCluster(AzuriteInstance azurite, string serviceId, string clusterId, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureSilo = null)
    {
        _configureSilo = configureSilo;
        _azurite = azurite;
        ServiceId = serviceId;
        ClusterId = clusterId;
        _settings = new Dictionary<string, string?>
        {
            // Short leases and fast failure detection, so tests see recovery in seconds, not minutes.
            ["Fleet:Jobs:LeaseDuration"] = "00:00:05",
            ["Fleet:Jobs:SpeculateAfter"] = "00:00:04",
            ["Fleet:Jobs:CheckpointInterval"] = "00:00:00.500",
            ["Fleet:Worker:Capacity"] = "2",
            ["Fleet:Worker:PollInterval"] = "00:00:00.100",
            ["Fleet:Inference:IntraOpThreads"] = "1",
            // Like the embedded `fleet run`: the tests' datasets and outputs are temp folders anywhere.
            ["Fleet:Intake:AllowAnyLocalPath"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
    }

    /// <summary>Scopes grain state and reminders: a new cluster with the same service id carries on the same jobs.</summary>
    public string ServiceId { get; }

    public string ClusterId { get; }

    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>What every silo of this cluster logged.</summary>
    public CapturedLogs Logs { get; } = new();

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    /// <summary>A cluster of <paramref name="silos"/> silos and a client; <paramref name="configureSilo"/> changes the services of every silo it starts (e.g. a test labeler).</summary>
    public static async Task<FleetCluster> StartAsync(AzuriteInstance azurite, int silos, IDictionary<string, string?>? settings = null, string? serviceId = null,
        Action<IServiceCollection>? configureSilo = null)
    {
        var cluster = new FleetCluster(azurite, serviceId ?? $"svc-{Guid.NewGuid():N}"[..16], $"cluster-{Guid.NewGuid():N}"[..20], settings, configureSilo);
        for (var i = 0; i < silos; i++)
            await cluster.StartSiloAsync();
        await cluster.StartClientAsync();
        return cluster;
    }

    public async Task<IHost> StartSiloAsync(IDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>(_settings)
        {
            ["Fleet:Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Fleet:Silo:Clustering"] = "AzureTable",
            ["Fleet:Silo:ClusterId"] = ClusterId,
            ["Fleet:Silo:ServiceId"] = ServiceId,
            ["Fleet:Silo:AdvertisedIPAddress"] = "127.0.0.1",
            ["Fleet:Silo:SiloPort"] = "0",
            ["Fleet:Silo:GatewayPort"] = "0",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            settings[key] = value;
        var host = TestSiloHost.Build(settings, services =>
        {
            services.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            // A silo declared dead must not take the whole test process down with it (Orleans' default fails fast).
            services.AddSingleton<IFatalErrorHandler, LoggingFatalErrorHandler>();
            services.AddSingleton<ILoggerProvider>(Logs);
            _configureSilo?.Invoke(services);
        });
        await host.StartAsync();
        _silos.Add(host);
        return host;
    }

    /// <summary>Stops a silo without any graceful hand-over, as a crash would (its leases must expire elsewhere).</summary>
    public async Task KillSiloAsync(IHost silo)
    {
        _silos.Remove(silo);
        await silo.StopAsync(new CancellationToken(canceled: true));
        silo.Dispose();
    }

    /// <summary>Stops every silo (and the client), as when a whole fleet is shut down mid-job.</summary>
    public async Task StopAllAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
            _client = null;
        }
        foreach (var silo in _silos.ToArray())
        {
            _silos.Remove(silo);
            await silo.StopAsync(new CancellationToken(canceled: true));
            silo.Dispose();
        }
    }

    public async Task<JobStatus> SubmitAsync(string jobId, JobSpec spec)
    {
        var result = await Client.GetGrain<IJobGrain>(jobId).Submit(spec);
        Assert.True(result.Accepted, result.Status.Reason);
        return result.Status;
    }

    public async Task<JobStatus> WaitAsync(string jobId, TimeSpan? timeout = null, Func<JobStatus, bool>? until = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        until ??= s => s.State.IsTerminal();
        while (true)
        {
            try
            {
                var status = await Client.GetGrain<IJobGrain>(jobId).GetStatus();
                if (until(status))
                    return status;
            }
            catch (Exception e) when (e is not OperationCanceledException && !cts.IsCancellationRequested)
            {
                // The job's silo may have just died; the next call re-activates it elsewhere.
            }
            await Task.Delay(100, cts.Token);
        }
    }

    public async ValueTask DisposeAsync() => await StopAllAsync();

    private async Task StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(_azurite.ConnectionString));
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        _client = builder.Build();
        await _client.StartAsync();
    }
}
