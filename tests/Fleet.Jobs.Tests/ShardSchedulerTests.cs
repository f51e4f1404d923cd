using Fleet.Contracts;
using Fleet.Jobs.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Jobs.Tests;

/// <summary>
/// The scheduler's decisions on a fake clock, no cluster: every lease it grants, ends or loses is mirrored in the job
/// record it persists (the ledger, attempts, isolation), so the two cannot disagree.
/// </summary>
public sealed class ShardSchedulerTests
{
    private const string Local = "10.0.0.1:11111@1";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly JobRecord _job = new()
    {
        Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 4 },
        State = JobState.Running,
        ShardCount = 3,
        ImagesTotal = 12,
        PlanningComplete = true,
    };

    private ShardScheduler Scheduler(bool writeLeasesBehind = false)
    {
        var options = new JobRunOptions { LeaseDuration = Lease, MaxShardAttempts = 3, IsolateAfter = 2, PoisonAfter = 2, WriteLeasesBehind = writeLeasesBehind };
        var scheduler = new ShardScheduler(_time, options, _job, Local);
        scheduler.Requeue();
        return scheduler;
    }

    private static LeaseToken Token(LeaseGrant grant) => new(grant.Lease.Shard, grant.Lease.Id);

    private static bool NoneDead(string worker) => false;

    [Fact]
    public void A_granted_lease_is_in_the_ledger_until_it_commits_and_a_commit_needs_the_grant()
    {
        var scheduler = Scheduler();
        var grant = scheduler.Lease("w")!;
        Assert.Equal(new HeldLease(0, "w"), _job.Leases.Held[grant.Lease.Id]);

        Assert.False(scheduler.Commit(Token(grant), new ShardReport(4, 0)));
        Assert.True(scheduler.BeginCommit(Token(grant)));
        Assert.True(scheduler.Commit(Token(grant), new ShardReport(4, 0)));

        Assert.Empty(_job.Leases.Held);
        Assert.True(_job.IsShardDone(0));
        Assert.False(scheduler.Renew(Token(grant)));
        Assert.False(scheduler.Commit(Token(grant), new ShardReport(4, 0)));
        Assert.Equal((1, 4L), (_job.ShardsDone, _job.ImagesSucceeded));
    }

    [Fact]
    public void A_returned_or_withdrawn_lease_leaves_the_ledger_and_counts_no_attempt()
    {
        var scheduler = Scheduler();
        var returned = scheduler.Lease("w")!;
        var withdrawn = scheduler.Lease("w")!;

        Assert.True(scheduler.Return(Token(returned)));
        scheduler.Withdraw(Token(withdrawn));

        Assert.False(scheduler.Return(Token(returned)));
        Assert.Empty(_job.Leases.Held);
        Assert.Empty(_job.Leases.Pending);
        Assert.Empty(_job.Progress.Attempts());
        // Both shards go back to the front of the queue.
        Assert.Equal([1, 0, 2], Enumerable.Range(0, 3).Select(_ => scheduler.Lease("v")!.Lease.Shard));
    }

    [Fact]
    public void Giving_up_counts_attempts_and_the_last_one_allowed_is_exhausted()
    {
        var scheduler = Scheduler();
        var attempts = Enumerable.Range(0, 3).Select(_ => scheduler.GiveUp(Token(scheduler.Lease("w")!))!).ToList();

        Assert.Equal([(0, 1, false), (0, 2, false), (0, 3, true)], attempts.Select(a => (a.Shard, a.Attempts, a.Exhausted)));
        Assert.Null(scheduler.GiveUp(new LeaseToken(1, Guid.NewGuid())));
    }

    [Theory]
    [InlineData(false, "10.0.0.2:11111@1", true)]
    [InlineData(false, Local, true)]
    [InlineData(true, "10.0.0.2:11111@1", false)]
    [InlineData(true, Local, false)]
    public void With_leases_written_behind_a_lease_on_a_shard_in_no_trouble_never_waits_for_its_write(bool writeLeasesBehind, string worker, bool waits) =>
        Assert.Equal(waits, Scheduler(writeLeasesBehind).Lease(worker)!.WaitForWrite);

    [Theory]
    [InlineData(Local, true)]
    [InlineData("10.0.0.2:11111@1", false)]
    public void A_local_worker_taking_a_shard_with_failed_attempts_waits_for_the_write_one_elsewhere_does_not(string worker, bool waits)
    {
        _job.Progress.AttemptFailed(0);
        var scheduler = Scheduler(writeLeasesBehind: true);

        Assert.True(scheduler.MustPersistFirst(Local, 0));
        Assert.False(scheduler.MustPersistFirst(Local, 1));
        Assert.Equal(waits, scheduler.Lease(worker)!.WaitForWrite);
    }

    [Fact]
    public void A_local_worker_taking_an_isolated_shard_waits_for_the_write()
    {
        _job.Isolated[1] = new ShardIsolation();
        var scheduler = Scheduler(writeLeasesBehind: true);

        Assert.Equal([false, true, false], Enumerable.Range(0, 3).Select(_ => scheduler.Lease(Local)!.WaitForWrite));
    }

    [Fact]
    public void An_expired_lease_holds_its_shard_back_until_its_verdict_and_an_answer_clears_it()
    {
        var scheduler = Scheduler();
        var lost = scheduler.Lease("a")!;
        _time.Advance(Lease + TimeSpan.FromSeconds(1));

        var losses = scheduler.CountLosses(NoneDead);
        Assert.Equal([lost.Lease.Id], losses.Expired.Select(l => l.Id));
        Assert.True(losses.Changed);
        Assert.Empty(_job.Leases.Held);
        Assert.Equal(1, scheduler.Lease("b")!.Lease.Shard);

        // Its holder calls (refused, but alive): not a lost worker, and shard 0 is leasable again.
        Assert.False(scheduler.Renew(Token(lost)));
        Assert.True(scheduler.Answered(Token(lost)));
        Assert.False(scheduler.Answered(Token(lost)));
        Assert.Equal(0, scheduler.Lease("b")!.Lease.Shard);
        Assert.Empty(_job.Progress.Attempts());
    }

    [Fact]
    public void A_silent_holder_is_a_lost_worker_a_lease_after_expiry_or_at_once_when_its_silo_is_dead()
    {
        var scheduler = Scheduler();
        scheduler.Lease("a");
        scheduler.Lease("dead");
        _time.Advance(Lease + TimeSpan.FromSeconds(1));

        var first = scheduler.CountLosses(worker => worker == "dead");
        Assert.Equal([1], first.Lost.Select(l => l.Loss.Shard));
        _time.Advance(Lease);
        var second = scheduler.CountLosses(NoneDead);

        Assert.Equal([0], second.Lost.Select(l => l.Loss.Shard));
        Assert.Equal(new Dictionary<int, int> { [0] = 1, [1] = 1 }, _job.Progress.Attempts());
        Assert.Null(second.Exhausted);
    }

    [Fact]
    public void A_lease_of_a_dead_silo_ends_at_once_and_its_shard_goes_to_another_worker_before_the_lease_would_expire()
    {
        var scheduler = Scheduler();
        var held = scheduler.Lease("dead")!;
        _time.Advance(TimeSpan.FromSeconds(1));

        // Per call it looks at no live lease (that is the timer's); the timer's count ends the dead silo's lease.
        Assert.Empty(scheduler.CountLosses(worker => worker == "dead").Expired);
        var losses = scheduler.CountLosses(worker => worker == "dead", endLeasesOfDead: true);

        Assert.Equal([held.Lease.Id], losses.Expired.Select(l => l.Id));
        Assert.Equal([0], losses.Lost.Select(l => l.Loss.Shard));
        Assert.Equal(new Dictionary<int, int> { [0] = 1 }, _job.Progress.Attempts());
        Assert.Equal(0, scheduler.Lease("b")!.Lease.Shard);
        Assert.False(scheduler.Renew(Token(held)));
    }

    [Fact]
    public void A_shard_that_keeps_losing_workers_is_isolated_and_the_image_in_flight_at_each_crash_is_poisoned()
    {
        var scheduler = Scheduler();
        LoseWorker(scheduler, item: null);
        var isolating = LoseWorker(scheduler, item: null);
        Assert.True(isolating.Lost.Single().NowIsolated);

        var isolated = scheduler.Lease("w")!;
        Assert.NotNull(isolated.Isolation);
        LoseWorker(scheduler, item: 2, isolated);
        var poisoning = LoseWorker(scheduler, item: 2);

        Assert.False(poisoning.Lost.Single().NowIsolated);
        Assert.Equal(2, poisoning.Lost.Single().Loss.Item);
        Assert.Equal([2], scheduler.Lease("w")!.Isolation!.Poisoned);
        Assert.Null(poisoning.Exhausted);
    }

    [Fact]
    public void Image_progress_is_recorded_only_on_an_isolated_shard_under_a_valid_lease()
    {
        var scheduler = Scheduler();
        var plain = scheduler.Lease("w")!;
        Assert.False(scheduler.StartImage(Token(plain), 0));

        _job.Isolated[1] = new ShardIsolation();
        var isolated = scheduler.Lease("w")!;
        Assert.True(scheduler.StartImage(Token(isolated), 3));
        Assert.Equal(3, _job.Isolated[1].InFlight);
        Assert.Equal(isolated.Lease.Id, _job.Isolated[1].InFlightLease);
        Assert.True(scheduler.StartImage(Token(isolated), ShardLease.PastLastImage));
        Assert.Null(_job.Isolated[1].InFlight);
        Assert.False(scheduler.StartImage(new LeaseToken(1, Guid.NewGuid()), 0));
    }

    [Fact]
    public void Losing_the_last_worker_a_shard_may_lose_is_the_verdict_that_fails_the_job()
    {
        var scheduler = Scheduler();
        scheduler.GiveUp(Token(scheduler.Lease("w")!));
        scheduler.GiveUp(Token(scheduler.Lease("w")!));

        var losses = LoseWorker(scheduler, item: null);

        Assert.Equal(new ShardAttempt(0, 3, Exhausted: true), losses.Exhausted);
    }

    [Fact]
    public void After_a_reactivation_every_lease_held_before_is_a_pending_loss_charged_a_lease_later()
    {
        var before = Scheduler();
        var held = before.Lease("a")!;
        var after = Scheduler();

        after.Reactivated();

        Assert.Empty(_job.Leases.Held);
        Assert.Equal([(held.Lease.Id, 0, "a")], _job.Leases.Pending.Select(p => (p.LeaseId, p.Shard, p.Worker)));
        Assert.Equal(_time.GetUtcNow() + Lease, _job.Leases.Pending[0].ChargeAt);
        Assert.Equal(1, after.Lease("b")!.Lease.Shard);
        Assert.False(after.Renew(Token(held)));
    }

    [Fact]
    public void Stopping_forgets_every_lease_and_resuming_reopens_failed_shards_with_fresh_attempts()
    {
        var scheduler = Scheduler();
        var failed = scheduler.Lease("w")!;
        scheduler.BeginCommit(Token(failed));
        scheduler.Commit(Token(failed), new ShardReport(3, 1));
        scheduler.GiveUp(Token(scheduler.Lease("w")!));
        scheduler.Lease("w");

        scheduler.Stop();
        Assert.Empty(_job.Leases.Held);
        Assert.Equal((0, 0), (scheduler.LeasedCount, scheduler.PendingCount));
        scheduler.Resume();
        scheduler.Requeue();

        Assert.False(_job.IsShardDone(0));
        Assert.Empty(_job.Progress.Attempts());
        Assert.Equal(3, scheduler.PendingCount);
    }

    /// <summary>Leases a shard (or uses <paramref name="grant"/>), reports <paramref name="item"/> in flight when isolated, and lets the holder go silent until it is counted.</summary>
    private LeaseLosses LoseWorker(ShardScheduler scheduler, int? item, LeaseGrant? grant = null)
    {
        grant ??= scheduler.Lease("w")!;
        if (item is { } image)
            Assert.True(scheduler.StartImage(Token(grant), image));
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        scheduler.CountLosses(NoneDead);
        _time.Advance(Lease);
        return scheduler.CountLosses(NoneDead);
    }
}
