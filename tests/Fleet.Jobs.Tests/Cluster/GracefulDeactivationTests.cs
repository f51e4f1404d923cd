using Fleet.Contracts;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// A job grain that ends gracefully (its silo scaling in) keeps what it answered: a report acknowledged after the last
/// timer checkpoint must not be forgotten, or the next activation runs that shard again and counts a lost worker.
/// </summary>
public sealed class GracefulDeactivationTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    // No timer checkpoint during the test: only the deactivation itself can write the report.
    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: false, settings: new Dictionary<string, string?>
    {
        ["Fleet:Jobs:CheckpointInterval"] = "01:00:00",
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_report_answered_just_before_a_graceful_deactivation_is_kept()
    {
        var spec = new JobSpec { Dataset = TestDatasets.Folder(4), Output = TestDatasets.NewFolder("out"), ShardSize = 2 };
        await _cluster.SubmitPlannedAsync("graceful", spec);
        var job = _cluster.Leases("graceful");
        var lease = (await job.LeaseShard("w"))!;
        Assert.True(await job.BeginCommit(lease.Token));
        Assert.True(await job.ReportShard(lease.Token, new ShardReport(2, 0)));

        await _cluster.Cluster.DeactivateAsync(_cluster.Job("graceful"));
        var status = await _cluster.Job("graceful").GetStatus();

        Assert.Equal((1, 2L), (status.ShardsDone, status.ImagesSucceeded));
        var next = (await job.LeaseShard("w"))!;
        Assert.NotEqual(lease.Shard, next.Shard);
    }
}
