using Fleet.Jobs.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Jobs.Tests;

/// <summary>
/// While the job itself cannot answer (its checkpoint write hangs on a storage outage), no worker can renew: the leases
/// get that time back instead of expiring and being charged as lost workers. Leases already expired stay expired.
/// </summary>
public sealed class LeaseStallTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_stall_of_the_job_gives_live_leases_their_time_back_and_revives_no_expired_one()
    {
        var time = new FakeTimeProvider();
        var table = new LeaseTable(time);
        table.Enqueue(0);
        table.Enqueue(1);
        var early = table.TryLease("a", Lease, TimeSpan.FromMinutes(1), false)!;
        time.Advance(TimeSpan.FromSeconds(8));
        var live = table.TryLease("b", Lease, TimeSpan.FromMinutes(1), false)!;

        // The job hangs for 25 s from t=12 (a checkpoint write): 'early' had expired at t=10, 'live' runs until t=18.
        time.Advance(TimeSpan.FromSeconds(4));
        var stalledAt = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(25));
        table.Extend(stalledAt, TimeSpan.FromSeconds(25));

        Assert.True(table.Renew(live.Shard, live.Id, Lease));
        Assert.False(table.Renew(early.Shard, early.Id, Lease));
        Assert.Equal([early.Shard], table.TakeExpired().Select(l => l.Shard));
    }
}
