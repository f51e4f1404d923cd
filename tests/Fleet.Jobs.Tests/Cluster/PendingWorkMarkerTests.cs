using Fleet.Contracts;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// The registry publishes one pending-work marker per job that wants workers (what scales GPU silos from zero on
/// Azure): there from submit to the end, gone once the job stops, whichever way it stops.
/// </summary>
public sealed class PendingWorkMarkerTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: true);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_job_is_marked_while_it_wants_workers_and_unmarked_when_it_succeeds()
    {
        var spec = new JobSpec { Dataset = TestDatasets.Folder(40), Output = TestDatasets.NewFolder("out"), ShardSize = 4 };
        Assert.True((await _cluster.Job("marked").Submit(spec)).Accepted);

        var done = await _cluster.WaitAsync("marked", s => s.State.IsTerminal());

        Assert.Contains("marked", _cluster.Markers.EverMarked);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.True(await Eventually.TrueAsync(() => !_cluster.Markers.Jobs.Contains("marked")), "the finished job is still marked: GPU silos would never scale in");
    }

    [Fact]
    public async Task A_cancelled_job_is_unmarked()
    {
        var spec = new JobSpec { Dataset = TestDatasets.Folder(400), Output = TestDatasets.NewFolder("out"), ShardSize = 4 };
        Assert.True((await _cluster.Job("cancelled").Submit(spec)).Accepted);
        Assert.True(await Eventually.TrueAsync(() => _cluster.Markers.Jobs.Contains("cancelled")));

        await _cluster.Job("cancelled").Cancel();

        Assert.True(await Eventually.TrueAsync(() => !_cluster.Markers.Jobs.Contains("cancelled")));
    }
}
