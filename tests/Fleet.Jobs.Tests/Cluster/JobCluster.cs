using Fleet.Contracts;
using Fleet.Models;
using Fleet.Storage;
using Fleet.Storage.Scaling;
using Fleet.Storage.Shards;
using Fleet.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Fleet.Testing.Orleans;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// A real Orleans cluster in this process with the production control plane and data plane, and nothing from outside:
/// in-memory grain storage and reminders, in-memory shard manifests, local folders for datasets and outputs, the
/// stand-in labeler instead of a model. <see cref="Clock"/> drives the jobs' leases; with workers off the test itself
/// is the worker, speaking the internal protocol (<see cref="IShardLeaseGrain"/>).
/// </summary>
internal sealed class JobCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private readonly CommitPartsFilter _commits;

    private JobCluster(InProcessTestCluster cluster, FakeTimeProvider clock, InMemoryShardManifestStore manifests, InMemoryPendingWorkMarkers markers, CommitPartsFilter commits, DelayedGrainStorage storage)
    {
        GrainStorage = storage;
        _commits = commits;
        _cluster = cluster;
        Clock = clock;
        Manifests = manifests;
        Markers = markers;
    }

    private const string InnerStorage = "memory";

    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan SpeculateAfter = TimeSpan.FromSeconds(20);

    public FakeTimeProvider Clock { get; }

    public InMemoryShardManifestStore Manifests { get; }

    /// <summary>The jobs the registry says want workers (what scales GPU silos from zero on Azure).</summary>
    public InMemoryPendingWorkMarkers Markers { get; }

    /// <summary>The grain storage of the silos (one silo's, when there are several): its writes can be delayed or held, and are counted.</summary>
    public DelayedGrainStorage GrainStorage { get; }

    public IClusterClient Client => _cluster.Client;

    public InProcessTestCluster Cluster => _cluster;

    /// <param name="workers">True: each silo's shard worker pulls work (real clock for the jobs); false: the test is the worker (fake clock).</param>
    /// <param name="silos">Silos in the cluster.</param>
    /// <param name="writeLeasesBehind">Fleet:Jobs:WriteLeasesBehind (on, as deployed).</param>
    /// <param name="settings">More configuration for the silos (e.g. Fleet:Limits:*), over the defaults here.</param>
    public static async Task<JobCluster> StartAsync(bool workers, int silos = 1, bool writeLeasesBehind = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var manifests = new InMemoryShardManifestStore();
        var markers = new InMemoryPendingWorkMarkers();
        var commits = new CommitPartsFilter();
        var storage = new DelayedGrainStorage();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            // In-memory storage behind a decorator the tests can slow down or hold (DelayedGrainStorage).
            silo.AddMemoryGrainStorage(InnerStorage).UseInMemoryReminderService();
            silo.Services.AddKeyedSingleton<IGrainStorage>(FleetStorageNames.GrainStorage, (sp, _) =>
            {
                storage.Wrap(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage));
                return storage;
            });
            // With the test as the worker, each report first commits a part for it (CommitPartsFilter).
            if (!workers)
                silo.AddIncomingGrainCallFilter(commits.InvokeAsync);
        });
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Fleet:Jobs:LeaseDuration"] = LeaseDuration.ToString(),
                ["Fleet:Jobs:SpeculateAfter"] = SpeculateAfter.ToString(),
                ["Fleet:Jobs:CheckpointInterval"] = "00:00:00.050",
                ["Fleet:Jobs:MaxShardAttempts"] = "3",
                ["Fleet:Jobs:WriteLeasesBehind"] = writeLeasesBehind.ToString(),
                ["Fleet:Worker:Enabled"] = workers.ToString(),
                ["Fleet:Worker:Capacity"] = "2",
                ["Fleet:Worker:PollInterval"] = "00:00:00.020",
                ["Fleet:Inference:StandIn:WaitMs"] = "2",
                ["Fleet:Inference:BatchSize"] = "4",
                ["Fleet:Intake:AllowAnyLocalPath"] = "true",
                // The storage-outage test serves its images over http on loopback.
                ["Fleet:Intake:AllowLoopback"] = "true",
                ["Fleet:Worker:StorageOutageMaxWait"] = "00:00:02",
            });
            if (settings is not null)
                host.Configuration.AddInMemoryCollection(settings);
            if (!workers)
                host.Services.AddSingleton(new JobClock(clock));
            // No account is reached: datasets and outputs are local folders, manifests in memory.
            host.Services.AddFleetStorage(new StorageAccount("UseDevelopmentStorage=true"));
            host.Services.AddSingleton<IShardManifestStore>(manifests);
            host.Services.AddSingleton<IPendingWorkMarkers>(markers);
            host.Services.AddFleetModels();
            host.Services.AddFleetJobs();
            host.Services.AddFleetWorker(host.Configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new JobCluster(cluster, clock, manifests, markers, commits, storage);
    }

    public IJobGrain Job(string id) => Client.GetGrain<IJobGrain>(id);

    public IShardLeaseGrain Leases(string id) => Client.GetGrain<IShardLeaseGrain>(id);

    /// <summary>Submits and waits until planning is complete (the protocol tests lease a known plan).</summary>
    public async Task<JobStatus> SubmitPlannedAsync(string id, JobSpec spec)
    {
        _commits.Outputs[id] = spec.Output;
        var submitted = await Job(id).Submit(spec);
        Assert.True(submitted.Accepted, submitted.Status.Reason);
        return await WaitAsync(id, s => s.PlanningComplete);
    }

    /// <summary>A job a test writes into storage itself: the test's reports commit parts in <paramref name="output"/>.</summary>
    public void CommitsTo(string id, string output) => _commits.Outputs[id] = output;

    public async Task<JobStatus> WaitAsync(string id, Func<JobStatus, bool> until, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await Job(id).GetStatus();
            if (until(status))
                return status;
            await Task.Delay(10, cts.Token);
        }
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
