using Fleet.Contracts;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// The planner runs beside the job's calls: each manifest write is an await at which a cancel (or a failure) can land.
/// Whatever stopped the job while planning waited must stay stopped when the planning loop resumes.
/// </summary>
public sealed class PlanningRaceTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_cancel_that_lands_during_the_last_manifest_write_keeps_the_job_cancelled()
    {
        const string job = "race";
        var lastWriteStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // 5 images in shards of 2: shard 2 (one image) is the last manifest the planner writes.
        _cluster.Manifests.BeforeWrite = async (jobId, shard) =>
        {
            if (jobId != job || shard != 2)
                return;
            lastWriteStarted.TrySetResult();
            await release.Task;
        };
        var spec = new JobSpec { Dataset = TestDatasets.Folder(5), Output = TestDatasets.NewFolder("out"), ShardSize = 2 };
        Assert.True((await _cluster.Job(job).Submit(spec)).Accepted);

        await lastWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var cancelled = await _cluster.Job(job).Cancel();
        Assert.Equal(JobState.Cancelled, cancelled.State);
        release.SetResult();

        // The planning loop has resumed and finished once the last manifest is stored and the grain has had a turn.
        await WaitUntilAsync(() => _cluster.Manifests.Count(job) == 3);
        await _cluster.Job(job).GetStatus();
        var status = await _cluster.Job(job).GetStatus();
        Assert.Equal(JobState.Cancelled, status.State);
        Assert.Null(await _cluster.Leases(job).LeaseShard("w"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
            await Task.Delay(10, timeout.Token);
    }
}
