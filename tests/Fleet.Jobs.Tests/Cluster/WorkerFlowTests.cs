using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>Jobs run by the silos' own shard workers (stand-in labeler, two silos): rows, error budget, and sharing the fleet.</summary>
public sealed class WorkerFlowTests : IAsyncLifetime
{
    private static readonly string[] SharedJobs = ["share-a", "share-b"];

    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: true, silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task<List<string>> RowsAsync(string output, string jobId) =>
        await new LocalResultStore(output, StorageResilience.Create()).ReadRowsAsync(jobId, CancellationToken.None).ToListAsync();

    [Fact]
    public async Task Every_image_ends_in_exactly_one_row()
    {
        var output = TestDatasets.NewFolder("out");
        var submitted = await _cluster.Job("rows").Submit(new JobSpec { Dataset = TestDatasets.Folder(30), Output = output, ShardSize = 4 });
        Assert.True(submitted.Accepted, submitted.Status.Reason);

        var done = await _cluster.WaitAsync("rows", s => s.State.IsTerminal());

        Assert.Equal(JobState.Succeeded, done.State);
        var uris = (await RowsAsync(output, "rows")).Select(r => System.Text.Json.JsonDocument.Parse(r).RootElement.GetProperty("uri").GetString()).ToList();
        Assert.Equal(30, uris.Count);
        Assert.Equal(30, uris.Distinct().Count());
        Assert.True(File.Exists(Path.Combine(output, "rows", "_SUCCESS.json")));
    }

    [Fact]
    public async Task Unreadable_images_become_error_rows_and_over_budget_fail_the_job()
    {
        var output = TestDatasets.NewFolder("out");
        var spec = new JobSpec { Dataset = TestDatasets.ManifestWithMissing(good: 8, missing: 4), Output = output, ShardSize = 4, MaxFailedFraction = 0.1 };
        Assert.True((await _cluster.Job("unreadable").Submit(spec)).Accepted);

        var done = await _cluster.WaitAsync("unreadable", s => s.State.IsTerminal());

        Assert.Equal(JobState.Failed, done.State);
        Assert.Contains("error budget", done.Reason);
        var rows = await RowsAsync(output, "unreadable");
        Assert.Equal(4, rows.Count(r => r.Contains("\"error\":\"read:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Two_jobs_submitted_together_share_the_fleet()
    {
        var specs = SharedJobs.Select(id => (Id: id, Spec: new JobSpec { Dataset = TestDatasets.Folder(160), Output = TestDatasets.NewFolder("out"), ShardSize = 4 })).ToList();
        foreach (var (id, spec) in specs)
            Assert.True((await _cluster.Job(id).Submit(spec)).Accepted);

        var first = await Task.WhenAny(specs.Select(s => _cluster.WaitAsync(s.Id, st => st.State.IsTerminal(), TimeSpan.FromSeconds(60))));
        var finished = await first;
        var other = await _cluster.Job(specs.Single(s => s.Id != finished.JobId).Id).GetStatus();

        // Round robin over the active jobs: when one job is done, the other has had about as many shards.
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.True(other.ShardsDone >= finished.ShardsTotal / 2, $"{other.JobId} had {other.ShardsDone} of {other.ShardsTotal} shards when {finished.JobId} finished");
    }
}
