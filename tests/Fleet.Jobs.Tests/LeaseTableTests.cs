using Fleet.Jobs.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Jobs.Tests;

public sealed class LeaseTableTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Speculate = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly LeaseTable _table;

    public LeaseTableTests()
    {
        _table = new LeaseTable(_time);
        foreach (var shard in new[] { 0, 1, 2 })
            _table.Enqueue(shard);
    }

    [Fact]
    public void Shards_are_leased_in_order_once_each()
    {
        var leases = Enumerable.Range(0, 4).Select(_ => _table.TryLease("w", Lease, Speculate, allowSpeculation: false)).ToList();

        Assert.Equal([0, 1, 2], leases.Take(3).Select(l => l!.Shard));
        Assert.Null(leases[3]);
        Assert.Equal((0, 3), (_table.PendingCount, _table.LeasedCount));
    }

    [Fact]
    public void An_expired_lease_returns_its_shard_to_the_front_of_the_queue_and_loses_every_right()
    {
        var first = _table.TryLease("a", Lease, Speculate, false)!;
        _time.Advance(Lease + TimeSpan.FromSeconds(1));

        var next = _table.TryLease("b", Lease, Speculate, false)!;

        Assert.Equal(first.Shard, next.Shard);
        Assert.False(_table.Renew(first.Shard, first.Id, Lease));
        Assert.False(_table.TryGrantCommit(first.Shard, first.Id, Lease));
        Assert.True(_table.TryGrantCommit(next.Shard, next.Id, Lease));
    }

    [Fact]
    public void Renewing_keeps_a_lease_alive_past_its_first_expiry()
    {
        var lease = _table.TryLease("a", Lease, Speculate, false)!;
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Lease / 2);
            Assert.True(_table.Renew(lease.Shard, lease.Id, Lease));
        }

        Assert.Equal(1, _table.TryLease("b", Lease, Speculate, false)!.Shard);
    }

    [Fact]
    public void A_straggler_gets_a_speculative_lease_but_only_one_lease_of_a_shard_may_hold_the_commit()
    {
        var longLease = TimeSpan.FromMinutes(5);
        var original = _table.TryLease("a", longLease, Speculate, true)!;
        _table.TryLease("a", longLease, Speculate, true);
        _table.TryLease("a", longLease, Speculate, true);
        _time.Advance(Speculate + TimeSpan.FromSeconds(1));

        var speculative = _table.TryLease("b", longLease, Speculate, true);

        Assert.NotNull(speculative);
        Assert.True(speculative!.Speculative);
        Assert.Equal(original.Shard, speculative.Shard);
        Assert.True(_table.TryGrantCommit(speculative.Shard, speculative.Id, Lease));
        Assert.False(_table.TryGrantCommit(speculative.Shard, original.Id, Lease));
        Assert.True(_table.HoldsCommit(speculative.Shard, speculative.Id));
        Assert.False(_table.HoldsCommit(speculative.Shard, original.Id));
    }

    [Fact]
    public void No_speculation_while_work_is_waiting_or_before_the_threshold_or_onto_the_same_worker()
    {
        var a = _table.TryLease("a", Lease, Speculate, true)!;
        Assert.Equal(1, _table.TryLease("b", Lease, Speculate, true)!.Shard);
        Assert.Equal(2, _table.TryLease("b", Lease, Speculate, true)!.Shard);

        Assert.Null(_table.TryLease("c", Lease, Speculate, true));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(_table.Renew(a.Shard, a.Id, Lease));
        Assert.Null(_table.TryLease("a", Lease, Speculate, allowSpeculation: false));
    }

    [Fact]
    public void Completing_a_shard_refuses_every_lease_on_it_afterwards()
    {
        var lease = _table.TryLease("a", Lease, Speculate, false)!;
        Assert.True(_table.TryGrantCommit(lease.Shard, lease.Id, Lease));

        Assert.Same(lease, _table.Complete(lease.Shard, lease.Id));
        Assert.False(_table.Renew(lease.Shard, lease.Id, Lease));
        Assert.False(_table.HoldsCommit(lease.Shard, lease.Id));
        _time.Advance(Lease * 3);
        Assert.Equal([1, 2], new[] { _table.TryLease("b", Lease, Speculate, false)!.Shard, _table.TryLease("b", Lease, Speculate, false)!.Shard });
    }

    [Fact]
    public void A_released_lease_puts_its_shard_back_first()
    {
        var lease = _table.TryLease("a", Lease, Speculate, false)!;

        Assert.True(_table.Release(lease.Shard, lease.Id));

        Assert.Equal(lease.Shard, _table.TryLease("b", Lease, Speculate, false)!.Shard);
    }

    [Fact]
    public void After_a_reset_the_cursor_leases_the_shards_not_done_in_order_and_a_given_back_one_first()
    {
        var done = new HashSet<int> { 0, 2, 3 };
        var table = new LeaseTable(_time, done.Contains);
        table.Reset(planned: 6);

        var first = table.TryLease("w", Lease, Speculate, false)!;
        Assert.Equal(1, first.Shard);
        Assert.True(table.Release(first.Shard, first.Id));
        table.Enqueue(6);

        Assert.Equal([1, 4, 5, 6], Enumerable.Range(0, 4).Select(_ => table.TryLease("w", Lease, Speculate, false)!.Shard));
        Assert.Null(table.TryLease("w", Lease, Speculate, false));
    }

    [Fact]
    public void A_replanned_count_moves_where_the_cursor_ends_but_never_below_a_shard_it_passed()
    {
        var table = new LeaseTable(_time);
        table.Reset(planned: 100);
        var leased = Enumerable.Range(0, 3).Select(_ => table.TryLease("w", Lease, Speculate, false)!).ToList();
        Assert.True(table.Release(leased[1].Shard, leased[1].Id));

        // A resize from shard 3 on left 6 shards: the given-back shard 1 first, then 3, 4, 5, and no more.
        table.Replanned(6);
        Assert.Equal([1, 3, 4, 5], Enumerable.Range(0, 4).Select(_ => table.TryLease("w", Lease, Speculate, false)!.Shard));
        Assert.Null(table.TryLease("w", Lease, Speculate, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Replanned(5));
        // Smaller slices made more shards (a slow dataset): the cursor goes on to them.
        table.Replanned(8);
        Assert.Equal([6, 7], Enumerable.Range(0, 2).Select(_ => table.TryLease("w", Lease, Speculate, false)!.Shard));
    }
}
