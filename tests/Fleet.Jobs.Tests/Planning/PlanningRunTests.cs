using Fleet.Contracts;
using Fleet.Jobs.Planning;
using Fleet.Jobs.Tests.Cluster;
using Fleet.Models;
using Fleet.Storage;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Jobs.Tests.Planning;

/// <summary>A planning pass over a record, with the real planners over local folders and manifests (no grain): its outcome decides what the job does next.</summary>
public sealed class PlanningRunTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly InMemoryShardManifestStore _manifests = new();

    public PlanningRunTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Fleet:Intake:AllowAnyLocalPath"] = "true" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddFleetStorage(new StorageAccount("UseDevelopmentStorage=true"));
        services.AddSingleton<IShardManifestStore>(_manifests);
        services.AddFleetModels();
        services.AddFleetJobs();
        _services = services.BuildServiceProvider();
    }

    private PlanningRun Run => _services.GetRequiredService<PlanningRun>();

    public void Dispose() => _services.Dispose();

    private static JobRecord Admitted(string dataset, int shardSize = 2)
    {
        var job = new JobRecord();
        job.Admit(new JobSpec { Dataset = dataset, Output = TestDatasets.NewFolder("out"), ShardSize = shardSize }, null, DateTimeOffset.UnixEpoch, null);
        return job;
    }

    [Fact]
    public async Task A_folder_is_planned_shard_by_shard_each_handed_over_in_order_and_the_outcome_is_complete()
    {
        var job = Admitted(TestDatasets.Folder(5));
        var handed = new List<int>();

        var outcome = await Run.RunAsync("j", job, () => Assert.Fail("a folder is not sliced"), handed.Add, default);

        Assert.IsType<PlanningOutcome.Complete>(outcome);
        Assert.Equal([0, 1, 2], handed);
        Assert.Equal((3, 5L), (job.ShardCount, job.ImagesTotal));
        Assert.Equal(3, _manifests.Count("j"));
        // The grain decides: a complete pass does not itself mark planning done.
        Assert.False(job.PlanningComplete);
    }

    [Fact]
    public async Task A_text_manifest_is_sliced_at_once_with_no_shard_manifests()
    {
        var job = Admitted(TestDatasets.ManifestWithMissing(good: 6, missing: 0));
        var sliced = 0;

        var outcome = await Run.RunAsync("m", job, () => sliced++, _ => Assert.Fail("a sliced plan writes no shard"), default);

        Assert.IsType<PlanningOutcome.Complete>(outcome);
        Assert.Equal(1, sliced);
        Assert.NotNull(job.Plan);
        Assert.Equal(job.Plan!.Shards, job.ShardCount);
        Assert.Equal(0, _manifests.Count("m"));
    }

    [Fact]
    public async Task A_job_stopped_while_a_manifest_was_written_is_interrupted_not_complete()
    {
        var job = Admitted(TestDatasets.Folder(5));
        // A cancel lands during the last manifest write (the race of issue 24): the pass must not say complete.
        _manifests.BeforeWrite = (_, shard) =>
        {
            if (shard == 2)
                job.Stopped(JobState.Cancelled, "cancelled by request", DateTimeOffset.UnixEpoch);
            return Task.CompletedTask;
        };

        var outcome = await Run.RunAsync("c", job, () => { }, _ => { }, default);

        Assert.Equal(new PlanningOutcome.Interrupted(null), outcome);
        Assert.Equal(JobState.Cancelled, job.State);
    }

    [Fact]
    public async Task An_empty_folder_fails_planning_as_a_complete_plan_of_nothing()
    {
        var job = Admitted(TestDatasets.NewFolder("empty"));

        var outcome = await Run.RunAsync("e", job, () => { }, _ => { }, default);

        var failed = Assert.IsType<PlanningOutcome.Failed>(outcome);
        Assert.True(failed.Failure.PlanningComplete);
        Assert.Contains("holds no images", failed.Failure.Reason);
    }

    [Fact]
    public async Task A_cancelled_pass_is_interrupted_and_plans_nothing_more()
    {
        var job = Admitted(TestDatasets.Folder(9));
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var outcome = await Run.RunAsync("x", job, () => { }, _ => { }, cancel.Token);

        Assert.IsType<OperationCanceledException>(Assert.IsType<PlanningOutcome.Interrupted>(outcome).Error, exactMatch: false);
        Assert.Equal(0, job.ShardCount);
    }
}
