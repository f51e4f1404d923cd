using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Worker.Labeling;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// The exactly-once core, on a real in-process cluster with the workers off: the test speaks the workers' protocol
/// itself and moves the jobs' clock, so every case is deterministic and takes milliseconds.
/// </summary>
public sealed class LeaseProtocolTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>The shards a worker can lease now, in order.</summary>
    private static async Task<List<int>> LeaseAllAsync(IShardLeaseGrain job)
    {
        var leased = new List<int>();
        while (await job.LeaseShard("w") is { } lease)
            leased.Add(lease.Shard);
        return leased.Order().ToList();
    }

    private static JobSpec Spec(string dataset, int shardSize = 2, double maxFailed = 0.01) =>
        new() { Dataset = dataset, Output = TestDatasets.NewFolder("out"), ShardSize = shardSize, MaxFailedFraction = maxFailed };

    [Fact]
    public async Task An_expired_lease_goes_to_another_worker_and_its_holder_can_no_longer_commit()
    {
        await _cluster.SubmitPlannedAsync("expiry", Spec(TestDatasets.Folder(2)));
        var job = _cluster.Leases("expiry");

        var first = await job.LeaseShard("worker-a");
        Assert.NotNull(first);
        Assert.Null(await job.LeaseShard("worker-b"));
        _cluster.Clock.Advance(JobCluster.LeaseDuration + TimeSpan.FromSeconds(1));
        // Expired, but its holder may still be alive (it would answer): the shard waits a lease for the verdict.
        Assert.Null(await job.LeaseShard("worker-b"));
        _cluster.Clock.Advance(JobCluster.LeaseDuration);

        var second = await job.LeaseShard("worker-b");
        Assert.NotNull(second);
        Assert.Equal(first.Shard, second.Shard);
        Assert.False(second.Speculative);
        Assert.False(await job.RenewLease(first.Token));
        Assert.False(await job.BeginCommit(first.Token));
        Assert.True(await job.BeginCommit(second.Token));
        Assert.True(await job.ReportShard(second.Token, new ShardReport(2, 0)));
    }

    [Fact]
    public async Task Only_the_lease_granted_the_commit_is_counted_and_only_once()
    {
        await _cluster.SubmitPlannedAsync("commit", Spec(TestDatasets.Folder(4)));
        var job = _cluster.Leases("commit");
        var lease = (await job.LeaseShard("worker-a"))!;

        Assert.False(await job.ReportShard(lease.Token, new ShardReport(2, 0)));
        Assert.False(await job.ReportShard(lease.Token with { LeaseId = Guid.NewGuid() }, new ShardReport(2, 0)));
        Assert.True(await job.BeginCommit(lease.Token));
        Assert.True(await job.ReportShard(lease.Token, new ShardReport(2, 0)));
        Assert.False(await job.ReportShard(lease.Token, new ShardReport(2, 0)));

        var status = await _cluster.Job("commit").GetStatus();
        Assert.Equal((1, 2L), (status.ShardsDone, status.ImagesSucceeded));
    }

    [Fact]
    public async Task A_straggler_is_leased_again_and_the_first_copy_to_commit_wins()
    {
        await _cluster.SubmitPlannedAsync("speculate", Spec(TestDatasets.Folder(2)));
        var job = _cluster.Leases("speculate");
        var slow = (await job.LeaseShard("slow"))!;
        Assert.Null(await job.LeaseShard("fast"));

        _cluster.Clock.Advance(JobCluster.SpeculateAfter + TimeSpan.FromSeconds(1));
        Assert.True(await job.RenewLease(slow.Token));
        var copy = (await job.LeaseShard("fast"))!;

        Assert.True(copy.Speculative);
        Assert.Equal(slow.Shard, copy.Shard);
        Assert.True(await job.BeginCommit(copy.Token));
        Assert.False(await job.BeginCommit(slow.Token));
        Assert.True(await job.ReportShard(copy.Token, new ShardReport(2, 0)));
        Assert.False(await job.ReportShard(slow.Token, new ShardReport(2, 0)));
        var done = await _cluster.WaitAsync("speculate", s => s.State.IsTerminal());
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(2, done.ImagesSucceeded);
    }

    [Fact]
    public async Task Over_the_error_budget_the_job_fails_with_the_reason_and_resume_reopens_the_failed_shard()
    {
        await _cluster.SubmitPlannedAsync("budget", Spec(TestDatasets.Folder(4), maxFailed: 0.2));
        var job = _cluster.Leases("budget");
        var clean = (await job.LeaseShard("w"))!;
        var bad = (await job.LeaseShard("w"))!;
        Assert.True(await job.BeginCommit(clean.Token) && await job.ReportShard(clean.Token, new ShardReport(2, 0)));
        Assert.True(await job.BeginCommit(bad.Token) && await job.ReportShard(bad.Token, new ShardReport(0, 2)));

        var failed = await _cluster.WaitAsync("budget", s => s.State.IsTerminal());
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("error budget", failed.Reason);

        var resumed = await _cluster.Job("budget").Resume();
        Assert.True(resumed.Accepted, resumed.Status.Reason);
        Assert.Equal((1, 2L, 0L), (resumed.Status.ShardsDone, resumed.Status.ImagesSucceeded, resumed.Status.ImagesFailed));
        var retry = (await job.LeaseShard("w"))!;
        Assert.Equal(bad.Shard, retry.Shard);
        Assert.Null(await job.LeaseShard("w"));
    }

    [Fact]
    public async Task A_shard_that_keeps_failing_fails_the_job_after_the_allowed_attempts()
    {
        await _cluster.SubmitPlannedAsync("attempts", Spec(TestDatasets.Folder(2)));
        var job = _cluster.Leases("attempts");
        for (var attempt = 0; attempt < 3; attempt++)
            await job.AbandonShard((await job.LeaseShard("w"))!.Token, "output not writable");

        var failed = await _cluster.WaitAsync("attempts", s => s.State.IsTerminal());
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("failed 3 times: output not writable", failed.Reason);
    }

    [Fact]
    public async Task Cancel_stops_leasing_and_refuses_commits_resume_carries_on_with_what_is_not_done()
    {
        await _cluster.SubmitPlannedAsync("cancel", Spec(TestDatasets.Folder(6)));
        var job = _cluster.Leases("cancel");
        var done = (await job.LeaseShard("w"))!;
        Assert.True(await job.BeginCommit(done.Token) && await job.ReportShard(done.Token, new ShardReport(2, 0)));
        var inFlight = (await job.LeaseShard("w"))!;

        var cancelled = await _cluster.Job("cancel").Cancel();
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Null(await job.LeaseShard("w"));
        Assert.False(await job.BeginCommit(inFlight.Token));

        var resumed = await _cluster.Job("cancel").Resume();
        Assert.True(resumed.Accepted, resumed.Status.Reason);
        Assert.Equal([1, 2], await LeaseAllAsync(job));
        Assert.Equal(1, (await _cluster.Job("cancel").GetStatus()).ShardsDone);
    }

    [Fact]
    public async Task After_a_checkpoint_a_reactivated_job_keeps_its_progress_and_forgets_old_leases()
    {
        await _cluster.SubmitPlannedAsync("reactivate", Spec(TestDatasets.Folder(6)));
        var job = _cluster.Leases("reactivate");
        var committed = (await job.LeaseShard("w"))!;
        Assert.True(await job.BeginCommit(committed.Token) && await job.ReportShard(committed.Token, new ShardReport(2, 0)));
        var orphan = (await job.LeaseShard("w"))!;
        await Task.Delay(300); // a few checkpoint intervals (50 ms): the report is persisted

        await _cluster.Cluster.DeactivateAsync(_cluster.Job("reactivate"));
        var status = await _cluster.Job("reactivate").GetStatus();

        Assert.Equal(JobState.Running, status.State);
        Assert.Equal((1, 2L), (status.ShardsDone, status.ImagesSucceeded));
        Assert.False(await job.BeginCommit(orphan.Token));
        Assert.Equal([1, 2], await LeaseAllAsync(job));
    }

    [Fact]
    public async Task A_job_id_that_is_not_a_safe_name_is_refused_by_the_grain_itself()
    {
        var result = await _cluster.Job("../escape").Submit(Spec(TestDatasets.Folder(1)));

        Assert.False(result.Accepted);
        Assert.Contains(JobIds.Rule, result.Errors["jobId"]);
    }

    [Fact]
    public async Task Leases_that_expire_with_their_workers_isolate_the_shard_and_the_image_in_flight_twice_is_poisoned()
    {
        await _cluster.SubmitPlannedAsync("poison", Spec(TestDatasets.Folder(4), shardSize: 4, maxFailed: 0.5));
        var job = _cluster.Leases("poison");
        async Task<ShardLease> LoseWorkerAsync(int? inFlight)
        {
            var lease = (await job.LeaseShard("w"))!;
            // Only an isolated lease reports images.
            if (!lease.Isolate)
                Assert.False(await job.RecordProgress(lease.Token, 0));
            if (inFlight is { } item)
            {
                for (var i = 0; i <= item; i++)
                    Assert.True(await job.RecordProgress(lease.Token, i));
            }
            // The worker dies: no renewal, no report; its lease runs out and it stays silent a lease more.
            _cluster.Clock.Advance(2 * JobCluster.LeaseDuration + TimeSpan.FromSeconds(1));
            return lease;
        }

        var first = await LoseWorkerAsync(inFlight: null);
        Assert.False(first.Isolate);
        var second = await LoseWorkerAsync(inFlight: null);
        Assert.False(second.Isolate);
        var third = await LoseWorkerAsync(inFlight: 2);
        Assert.True(third.Isolate);
        Assert.Empty(third.Poisoned);
        var fourth = await LoseWorkerAsync(inFlight: 2);
        Assert.Empty(fourth.Poisoned);

        var fifth = (await job.LeaseShard("w"))!;
        Assert.True(fifth.Isolate);
        Assert.Equal([2], fifth.Poisoned);
        Assert.True(await job.BeginCommit(fifth.Token));
        Assert.True(await job.ReportShard(fifth.Token, new ShardReport(3, 1)));
        var done = await _cluster.WaitAsync("poison", s => s.State.IsTerminal());
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal((3L, 1L), (done.ImagesSucceeded, done.ImagesFailed));
    }

    [Fact]
    public async Task An_isolated_worker_that_answers_after_its_lease_expired_was_slow_not_crashed_and_its_image_is_not_charged()
    {
        await _cluster.SubmitPlannedAsync("slow", Spec(TestDatasets.Folder(4), shardSize: 4, maxFailed: 0.5));
        var job = _cluster.Leases("slow");
        for (var lost = 0; lost < 2; lost++)
        {
            Assert.NotNull(await job.LeaseShard("w"));
            _cluster.Clock.Advance(2 * JobCluster.LeaseDuration + TimeSpan.FromSeconds(1));
        }

        // Twice an isolated worker is still on image 1 when its lease runs out (the shard goes to the next worker), then
        // calls again (the next image, a renewal) and is refused: alive both times, so image 1 is never charged.
        var holder = await job.LeaseShard("w");
        foreach (var answer in new Func<LeaseToken, Task<bool>>[] { t => job.RecordProgress(t, 2), job.RenewLease })
        {
            Assert.NotNull(holder);
            Assert.True(holder.Isolate);
            Assert.True(await job.RecordProgress(holder.Token, 0));
            Assert.True(await job.RecordProgress(holder.Token, 1));
            _cluster.Clock.Advance(JobCluster.LeaseDuration + TimeSpan.FromSeconds(1));
            Assert.Null(await job.LeaseShard("next"));
            Assert.False(await answer(holder.Token));
            // Answered: the shard goes on at once, nothing charged.
            holder = await job.LeaseShard("next");
        }
        // Long after: the answered suspects are never charged (the last holder is lost with nothing in flight).
        _cluster.Clock.Advance(3 * JobCluster.LeaseDuration);

        var last = (await job.LeaseShard("w"))!;
        Assert.True(last.Isolate);
        Assert.Empty(last.Poisoned);
        Assert.True(await job.BeginCommit(last.Token));
        Assert.True(await job.ReportShard(last.Token, new ShardReport(4, 0)));
        var done = await _cluster.WaitAsync("slow", s => s.State.IsTerminal());
        Assert.Equal((JobState.Succeeded, 4L, 0L), (done.State, done.ImagesSucceeded, done.ImagesFailed));
    }

    [Fact]
    public async Task An_isolated_worker_lost_after_its_last_image_charges_no_image()
    {
        await _cluster.SubmitPlannedAsync("staging", Spec(TestDatasets.Folder(2), shardSize: 2, maxFailed: 0.5));
        var job = _cluster.Leases("staging");
        for (var lost = 0; lost < 2; lost++)
        {
            Assert.NotNull(await job.LeaseShard("w"));
            _cluster.Clock.Advance(2 * JobCluster.LeaseDuration + TimeSpan.FromSeconds(1));
        }

        // Twice a worker labels both images and dies while staging: neither image was in flight.
        for (var lost = 0; lost < 2; lost++)
        {
            var lease = (await job.LeaseShard("w"))!;
            Assert.True(await job.RecordProgress(lease.Token, 0));
            Assert.True(await job.RecordProgress(lease.Token, 1));
            Assert.True(await job.RecordProgress(lease.Token, ShardLease.PastLastImage));
            _cluster.Clock.Advance(3 * JobCluster.LeaseDuration);
        }

        var last = (await job.LeaseShard("w"))!;
        Assert.Empty(last.Poisoned);
    }

    [Fact]
    public async Task An_isolated_shard_runs_one_image_at_a_time_named_first_and_a_poisoned_image_is_an_error_row_never_read()
    {
        var output = TestDatasets.NewFolder("out");
        await _cluster.SubmitPlannedAsync("isolated", Spec(TestDatasets.Folder(4), shardSize: 4) with { Output = output });
        var lease = (await _cluster.Leases("isolated").LeaseShard("w"))! with { Isolate = true, Poisoned = [2] };
        var processor = _cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<ShardProcessor>();
        var named = new List<int>();

        var processed = await processor.RunAsync(lease, item => { named.Add(item); return Task.FromResult(true); }, CancellationToken.None);
        await processed.Staged.CommitAsync(CancellationToken.None);

        Assert.Equal([0, 1, 3, ShardLease.PastLastImage], named);
        Assert.Equal((3, 1), (processed.Report.Succeeded, processed.Report.Failed));
        // The spec's "auto" classifier is this CPU silo's choice, reported with the shard.
        Assert.Equal("mobilenetv2-12-int8", processed.Report.Classifier);
        var rows = await new LocalResultStore(output, StorageResilience.Create()).ReadRowsAsync("isolated", CancellationToken.None).ToListAsync();
        var poison = Assert.Single(rows, r => r.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Contains("img-0002.jpg", poison);
        Assert.Contains("poison:", poison);
    }

    [Fact]
    public async Task A_job_says_succeeded_before_its_shard_manifests_are_deleted_and_then_leaves_none_behind()
    {
        var deletes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cluster.Manifests.BeforeDelete = _ => deletes.Task;
        // A folder's listing is planned into shard manifests (a text manifest is planned by byte ranges, with none).
        var dataset = TestDatasets.Folder(2);
        var output = TestDatasets.NewFolder("out");
        await _cluster.SubmitPlannedAsync("clean", Spec(dataset) with { Output = output });
        var job = _cluster.Leases("clean");
        var lease = (await job.LeaseShard("w"))!;
        Assert.True(await job.BeginCommit(lease.Token) && await job.ReportShard(lease.Token, new ShardReport(2, 0)));

        // The deletes are held: the last report and the status do not wait for them.
        var done = await _cluster.WaitAsync("clean", s => s.State.IsTerminal());
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(1, _cluster.Manifests.Count("clean"));

        deletes.SetResult();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_cluster.Manifests.Count("clean") > 0)
            await Task.Delay(10, timeout.Token);
    }
}
