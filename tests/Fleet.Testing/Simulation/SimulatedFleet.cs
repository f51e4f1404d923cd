using Fleet.Jobs;
using Fleet.Models;
using Fleet.Storage;
using Fleet.Storage.Scaling;
using Fleet.Storage.Shards;
using Fleet.Testing.Orleans;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Fleet.Testing.Simulation;

/// <summary>
/// N silos in this process running the production control plane (AddFleetJobs: job grain, registry, planner,
/// finisher) with stand-ins around it: <see cref="StandInWorker"/>s instead of the data plane, grain storage and shard
/// manifests in this process (<see cref="StorageTraffic"/>, <see cref="SyntheticManifestStore"/>), rows in a local
/// folder through the real result store, every grain call counted (<see cref="GrainCallCounter"/>). The shared parts
/// outlive <see cref="KillAsync"/>, so a new cluster resumes from what the dead one left, as a real one would.
/// </summary>
public sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly int _silos;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private InProcessTestCluster? _cluster;

    public SimulatedFleet(int silos, StandInWork work, StorageTraffic storage, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _silos = silos;
        Work = work;
        Storage = storage;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    public StandInWork Work { get; }

    public StorageTraffic Storage { get; }

    public SyntheticManifestStore Manifests { get; } = new();

    public GrainCallCounter Calls { get; } = new();

    private InMemoryPendingWorkMarkers Markers { get; } = new();

    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("the fleet is not running")).Client;

    /// <summary>Starts a cluster (the first, or the one after a kill) against the shared storage.</summary>
    public async Task StartAsync()
    {
        if (_cluster is not null)
            throw new InvalidOperationException("the fleet is already running");
        var builder = new InProcessTestClusterBuilder((short)_silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseInMemoryReminderService();
            silo.Services.AddKeyedSingleton<IGrainStorage>(FleetStorageNames.GrainStorage, (sp, _) => Storage.For(sp.GetRequiredService<IGrainStorageSerializer>()));
            silo.AddIncomingGrainCallFilter(Calls.InvokeAsync);
        });
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Error);
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Fleet:Intake:AllowAnyLocalPath"] = "true",
            });
            host.Configuration.AddInMemoryCollection(_settings);
            // No account is reached: state and manifests live in this process, rows in a local folder.
            host.Services.AddFleetStorage(new StorageAccount("UseDevelopmentStorage=true"));
            host.Services.AddSingleton<IShardManifestStore>(Manifests);
            host.Services.AddSingleton<IPendingWorkMarkers>(Markers);
            host.Services.AddFleetModels();
            host.Services.AddFleetJobs();
            host.Services.AddSingleton(Work);
            host.Services.AddHostedService<StandInWorker>();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        _cluster = cluster;
    }

    /// <summary>
    /// The whole cluster dies at once: the workers stop between steps and storage is cut off before the silos go, so
    /// nothing they do on the way down (a deactivation's last write) lands. Storage comes back for the next cluster.
    /// </summary>
    public async Task KillAsync()
    {
        Work.Kill();
        Storage.Sever();
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.DisposeAsync();
        }
        Storage.Restore();
        Work.Resume();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.DisposeAsync();
        }
    }
}
