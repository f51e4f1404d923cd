using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// The output deleted mid-job: the shards committed before it are marked done but their parts are gone. The job must see
/// that before it finishes, run those shards again, and write _SUCCESS.json only with one part per shard.
/// </summary>
public sealed class MissingPartsTests
{
    [Fact]
    public async Task A_job_whose_output_was_deleted_reruns_the_shards_whose_parts_are_gone_before_it_succeeds()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false);
        var output = TestDatasets.NewFolder("out");
        await cluster.SubmitPlannedAsync("deleted", new JobSpec { Dataset = TestDatasets.Folder(4), Output = output, ShardSize = 2 });
        var job = cluster.Leases("deleted");
        var first = (await job.LeaseShard("w"))!;
        var second = (await job.LeaseShard("w"))!;

        // The test is the worker: each report stands for a committed part (CommitPartsFilter).
        Assert.True(await job.BeginCommit(first.Token) && await job.ReportShard(first.Token, new ShardReport(2, 0)));
        Directory.Delete(output, recursive: true);
        Assert.True(await job.BeginCommit(second.Token) && await job.ReportShard(second.Token, new ShardReport(2, 0)));

        var reopened = await cluster.WaitAsync("deleted", s => s.ShardsDone == 1 && s.ShardsPending == 1);
        Assert.Equal(JobState.Running, reopened.State);
        Assert.Equal(2L, reopened.ImagesSucceeded);
        Assert.False(File.Exists(Path.Combine(output, ResultLayout.Success("deleted"))));
        var again = (await job.LeaseShard("w"))!;
        Assert.Equal(first.Shard, again.Shard);
        Assert.True(await job.BeginCommit(again.Token) && await job.ReportShard(again.Token, new ShardReport(2, 0)));

        var done = await cluster.WaitAsync("deleted", s => s.State.IsTerminal());
        Assert.Equal((JobState.Succeeded, 4L), (done.State, done.ImagesSucceeded));
        var success = await File.ReadAllTextAsync(Path.Combine(output, ResultLayout.Success("deleted")));
        Assert.Contains(ResultLayout.Part("deleted", 0, JsonLinesPartFormat.Instance), success);
        Assert.Contains(ResultLayout.Part("deleted", 1, JsonLinesPartFormat.Instance), success);
        Assert.Equal(2, await new LocalResultStore(output, StorageResilience.Create()).ListPartsAsync("deleted", CancellationToken.None).CountAsync());
    }
}
