using Fleet.Contracts;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// Leases do not wait for the job's checkpoint: a lease is handed out at once and written behind, the grants made
/// while a write is in flight share the next one, and the job answers its workers while storage is slow.
/// </summary>
public sealed class LeaseWriteTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: false, writeLeasesBehind: true);

    public async Task DisposeAsync()
    {
        _cluster.GrainStorage.BeforeWrite = () => Task.CompletedTask;
        await _cluster.DisposeAsync();
    }

    private static JobSpec Spec(int images) => new() { Dataset = TestDatasets.Folder(images), Output = TestDatasets.NewFolder("out"), ShardSize = 1 };

    /// <summary>Holds every write from now until the returned release is called; the task completes when one is held.</summary>
    private (Task Held, Action Release) HoldWrites()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cluster.GrainStorage.BeforeWrite = async () =>
        {
            held.TrySetResult();
            await release.Task;
        };
        return (held.Task, () => release.TrySetResult());
    }

    [Fact]
    public async Task Leases_are_handed_out_while_a_checkpoint_write_waits_on_storage_and_share_the_next_write()
    {
        await _cluster.SubmitPlannedAsync("shared", Spec(40));
        var job = _cluster.Leases("shared");
        var (held, release) = HoldWrites();
        var first = await job.LeaseShard("w0").WaitAsync(TimeSpan.FromSeconds(10));
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        var writesBefore = _cluster.GrainStorage.Writes;

        // While the first lease's write hangs: sixteen more leases, a renewal and a commit, none waiting on it.
        var leases = new List<ShardLease?> { first };
        for (var i = 1; i <= 16; i++)
            leases.Add(await job.LeaseShard($"w{i}").WaitAsync(TimeSpan.FromSeconds(10)));
        _cluster.Clock.Advance(JobCluster.LeaseDuration / 2);
        Assert.True(await job.RenewLease(first!.Token).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await job.BeginCommit(first.Token).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _cluster.GrainStorage.Writes - writesBefore);

        release();
        await WaitUntilAsync(() => Task.FromResult(_cluster.GrainStorage.Writes - writesBefore >= 2));
        await Task.Delay(200);
        Assert.All(leases, Assert.NotNull);
        Assert.Equal(17, leases.Select(l => l!.Shard).Distinct().Count());
        // The held write and one for the sixteen behind it (a timer flush may add one): not one write per lease.
        Assert.InRange(_cluster.GrainStorage.Writes - writesBefore, 2, 3);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
            await Task.Delay(10, timeout.Token);
    }
}
