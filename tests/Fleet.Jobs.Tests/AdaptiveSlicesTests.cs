using Fleet.Contracts;
using Fleet.Jobs.Planning;
using Fleet.Jobs.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Jobs.Tests;

/// <summary>
/// Adaptive shard size through the scheduler (no cluster): a lease past the persisted lease limit raises it and waits
/// for the write, a resize applies only at the limit (no shard handed out changes its slice), a withdrawn raise makes
/// the next lease wait again, and off, or without measured seconds, nothing is resized.
/// </summary>
public sealed class AdaptiveSlicesTests
{
    private const string Remote = "10.0.0.2:11111@1";

    private readonly FakeTimeProvider _time = new();
    private readonly JobRecord _job;

    public AdaptiveSlicesTests()
    {
        // 1,000 slices of 100 bytes (10 images each, by the sample).
        var plan = new ManifestPlan
        {
            Version = "v1",
            Size = 100_000,
            SliceBytes = 100,
            Shards = 1_000,
            EstimatedImages = 10_000,
            LeaseLimit = -1,
            MaxShards = 10_000_000,
        };
        _job = new JobRecord
        {
            Spec = new JobSpec { Dataset = "d.txt", Output = "o", ShardSize = 10 },
            State = JobState.Running,
            ShardCount = plan.Shards,
            ImagesTotal = plan.EstimatedImages,
            PlanningComplete = true,
            Plan = plan,
        };
    }

    private ManifestPlan Plan => _job.Plan!;

    private ShardScheduler Scheduler(bool adaptive = true, long minSliceBytes = 64)
    {
        var options = new JobRunOptions
        {
            WriteLeasesBehind = true,
            AdaptiveShardSize = adaptive,
            TargetShardTime = TimeSpan.FromSeconds(20),
            MinSliceBytes = minSliceBytes,
        };
        var scheduler = new ShardScheduler(_time, options, _job, localWorker: "10.0.0.1:11111@1");
        scheduler.Requeue();
        return scheduler;
    }

    private static LeaseToken Token(LeaseGrant grant) => new(grant.Lease.Shard, grant.Lease.Id);

    private static void Commit(ShardScheduler scheduler, LeaseGrant grant, double seconds)
    {
        Assert.True(scheduler.BeginCommit(Token(grant)));
        Assert.True(scheduler.Commit(Token(grant), new ShardReport(10, 0) { Seconds = seconds }));
    }

    /// <summary>Leases (and commits, in <paramref name="seconds"/> each) every shard up to the lease limit; returns the grants' waits.</summary>
    private static List<bool> RunWindow(ShardScheduler scheduler, int shards, double seconds)
    {
        var waits = new List<bool>();
        for (var i = 0; i < shards; i++)
        {
            var grant = scheduler.Lease(Remote)!;
            waits.Add(grant.WaitForWrite);
            Commit(scheduler, grant, seconds);
        }
        return waits;
    }

    [Fact]
    public void A_lease_past_the_limit_raises_it_and_waits_for_the_write_and_the_rest_go_out_at_once()
    {
        var scheduler = Scheduler();

        var waits = RunWindow(scheduler, 32, seconds: 20);

        // The first lease raised the limit from -1 by 32 and waited; the other 31 were within it.
        Assert.Equal([true, .. Enumerable.Repeat(false, 31)], waits);
        Assert.Equal(31, Plan.LeaseLimit);
        var next = scheduler.Lease(Remote)!;
        Assert.Equal(32, next.Lease.Shard);
        Assert.True(next.WaitForWrite);
        // On target (20 s a shard): no resize, the limit grows by max(32, a quarter of the 32 below it).
        Assert.Empty(Plan.Steps);
        Assert.Null(next.Resized);
        Assert.Equal(63, Plan.LeaseLimit);
    }

    [Fact]
    public void Fast_shards_resize_only_from_the_limit_and_no_shard_handed_out_changes_its_slice()
    {
        var scheduler = Scheduler();
        var handedOut = new Dictionary<int, ManifestSlice>();
        for (var i = 0; i < 32; i++)
        {
            var grant = scheduler.Lease(Remote)!;
            handedOut[grant.Lease.Shard] = Plan.Slice(grant.Lease.Shard);
            // 0.1 s for 100 bytes: 200x under the 20 s target.
            Commit(scheduler, grant, seconds: 0.1);
        }
        Assert.Empty(Plan.Steps);

        var atLimit = scheduler.Lease(Remote)!;

        Assert.True(atLimit.WaitForWrite);
        Assert.Equal(new SliceStep(32, 3_200, 400), Plan.Steps.Single());
        Assert.Equal(Plan.Steps[0], atLimit.Resized);
        Assert.Equal(32 + (100_000 - 3_200) / 400, Plan.Shards);
        Assert.Equal(Plan.Shards, _job.ShardCount);
        Assert.Equal(31 + 32, Plan.LeaseLimit);
        Assert.Equal(new ManifestSlice { Start = 3_200, End = 3_600, Version = "v1" }, Plan.Slice(atLimit.Lease.Shard));
        foreach (var (shard, slice) in handedOut)
            Assert.Equal(slice, Plan.Slice(shard));
        // The queue follows the new count: every shard is leased once, then none.
        var leased = new List<int> { atLimit.Lease.Shard };
        Commit(scheduler, atLimit, 0.4);
        while (scheduler.Lease(Remote) is { } grant)
        {
            leased.Add(grant.Lease.Shard);
            Commit(scheduler, grant, grant.Lease.Shard < 100 ? 0.4 : 20);
        }
        Assert.Equal(Enumerable.Range(32, _job.ShardCount - 32), leased);
        Assert.True(_job.AllShardsDone);
        // The image estimate went by bytes left all along: it ends as what the shards reported.
        Assert.Equal(_job.ImagesSucceeded, _job.ImagesTotal);
        Assert.True(Plan.Shards < 400, $"{Plan.Shards} shards");
    }

    [Fact]
    public void A_withdrawn_raise_makes_the_next_lease_past_the_persisted_limit_wait_again()
    {
        var scheduler = Scheduler();
        var first = scheduler.Lease(Remote)!;
        Assert.True(first.WaitForWrite);
        // Its write failed: the grain withdraws it, and the raise to 31 is not persisted.
        scheduler.Withdraw(Token(first));

        var again = scheduler.Lease(Remote)!;
        Assert.Equal(0, again.Lease.Shard);
        Assert.True(again.WaitForWrite);
        Assert.Equal(31, Plan.LeaseLimit);
        // That write landed: the next lease (calls do not interleave) knows it, and shard 1 goes out at once.
        Assert.False(scheduler.Lease(Remote)!.WaitForWrite);
    }

    [Fact]
    public void A_new_activation_over_the_stored_plan_leases_within_its_limit_at_once_and_reads_the_same_slices()
    {
        var scheduler = Scheduler();
        RunWindow(scheduler, 32, seconds: 0.1);
        var resized = scheduler.Lease(Remote)!;
        Assert.Single(Plan.Steps);
        var slices = Enumerable.Range(0, Plan.Shards).Select(Plan.Slice).ToList();

        // The grain died after the write: a new scheduler over the record; the lease of shard 32 was lost with it.
        Assert.Equal(32, resized.Lease.Shard);
        scheduler = Scheduler();
        for (var shard = 32; shard <= 63; shard++)
        {
            // Up to the persisted limit (63) every lease goes out at once, on the slice the first activation planned.
            var grant = scheduler.Lease(Remote)!;
            Assert.Equal(shard, grant.Lease.Shard);
            Assert.False(grant.WaitForWrite);
            Assert.Equal(slices[shard], Plan.Slice(shard));
        }
        var past = scheduler.Lease(Remote)!;
        Assert.Equal(64, past.Lease.Shard);
        Assert.True(past.WaitForWrite);
        Assert.Single(Plan.Steps);
        Assert.Equal(slices, Enumerable.Range(0, Plan.Shards).Select(Plan.Slice));
    }

    [Fact]
    public void Off_the_first_lease_drops_the_limit_and_nothing_is_resized_or_waits_again()
    {
        var scheduler = Scheduler(adaptive: false);

        var waits = RunWindow(scheduler, 100, seconds: 0.01);

        Assert.Equal([true, .. Enumerable.Repeat(false, 99)], waits);
        Assert.Null(Plan.LeaseLimit);
        Assert.Empty(Plan.Steps);
        Assert.Equal(1_000, _job.ShardCount);
        // A later activation with it on resizes nothing either: no limit says which shards went out.
        var on = Scheduler(adaptive: true);
        Assert.False(on.Lease(Remote)!.WaitForWrite);
        Assert.Empty(Plan.Steps);
    }

    [Fact]
    public void Reports_without_seconds_are_no_samples_and_resize_nothing()
    {
        var scheduler = Scheduler();
        RunWindow(scheduler, 64, seconds: 0);
        Assert.Empty(scheduler.SliceSamples);
        Assert.Equal(64, scheduler.Lease(Remote)!.Lease.Shard);
        Assert.Empty(Plan.Steps);
        Assert.Equal(1_000, _job.ShardCount);
    }

    [Fact]
    public void Slow_shards_shrink_but_never_past_the_jobs_shard_limit()
    {
        Plan.MaxShards = 1_100;
        var scheduler = Scheduler();
        // 1,000 s for 100 bytes: 50x over target, a quarter-size step would make ~3,900 shards.
        RunWindow(scheduler, 32, seconds: 1_000);

        scheduler.Lease(Remote);

        var step = Plan.Steps.Single();
        Assert.True(step.SliceBytes < 100, $"{step.SliceBytes} bytes");
        Assert.InRange(Plan.Shards, 1_001, 1_100);
        Assert.Equal(Plan.Shards, _job.ShardCount);
    }

    [Fact]
    public void An_exact_plan_or_a_plan_of_shard_manifests_never_waits_for_its_limit()
    {
        _job.Plan = null;
        var scheduler = Scheduler();
        Assert.All(RunWindow(scheduler, 40, seconds: 0.01), wait => Assert.False(wait));
    }
}
