using Fleet.Contracts;

namespace Fleet.Jobs.Protocol;

/// <summary>
/// The lease/commit protocol of one job, in memory (pure bookkeeping, clock-injected; the grain persists what it
/// decides): leases on waiting shards, speculation on real stragglers, one commit grant per shard at a time, and the
/// expired leases for the grain to count. After a re-activation every old lease is unknown, so its renewals, commits
/// and reports are refused.
/// </summary>
public sealed class ShardLeaseProtocol(TimeProvider time, JobRunOptions options)
{
    private const int DurationSamples = 100;

    private readonly LeaseTable _leases = new(time);
    private readonly Queue<double> _shardSeconds = new();

    public int PendingCount => _leases.PendingCount;
    public int LeasedCount => _leases.LeasedCount;

    /// <summary>Makes a shard leasable (planned, re-opened, or carried over from before a re-activation).</summary>
    public void Enqueue(int shard) => _leases.Enqueue(shard);

    /// <summary>Forgets every lease and waiting shard (the job stopped, or is about to rebuild its queue).</summary>
    public void Clear() => _leases.Clear();

    /// <summary>
    /// A lease for <paramref name="worker"/> on a waiting shard that <paramref name="held"/> does not hold back;
    /// speculative leases only once the plan is complete (a real tail).
    /// </summary>
    public ActiveLease? Lease(string worker, bool planningComplete, Func<int, bool> held) =>
        _leases.TryLease(worker, options.LeaseDuration, SpeculateAfter(), allowSpeculation: planningComplete, held);

    public bool Renew(LeaseToken lease) => _leases.Renew(lease.Shard, lease.LeaseId, options.LeaseDuration);

    public bool BeginCommit(LeaseToken lease) => _leases.TryGrantCommit(lease.Shard, lease.LeaseId, options.LeaseDuration);

    /// <summary>True (and the shard's leases are forgotten) when this lease holds the shard's commit grant.</summary>
    public bool Complete(LeaseToken lease)
    {
        if (!_leases.HoldsCommit(lease.Shard, lease.LeaseId))
            return false;
        if (_leases.Complete(lease.Shard, lease.LeaseId) is { } committed)
        {
            _shardSeconds.Enqueue((time.GetUtcNow() - committed.LeasedAt).TotalSeconds);
            if (_shardSeconds.Count > DurationSamples)
                _shardSeconds.Dequeue();
        }
        return true;
    }

    /// <summary>The worker gave the shard up: back to the queue. False for an unknown lease.</summary>
    public bool Abandon(LeaseToken lease) => _leases.Release(lease.Shard, lease.LeaseId);

    /// <summary>The job could not answer from <paramref name="since"/> for <paramref name="duration"/>: live leases get that time back (<see cref="LeaseTable.Extend"/>).</summary>
    public void Stalled(DateTimeOffset since, TimeSpan duration) => _leases.Extend(since, duration);

    /// <summary>Leases that expired since the last call: each a worker lost mid-shard.</summary>
    public IReadOnlyList<ActiveLease> TakeExpired() => _leases.TakeExpired();

    /// <summary>Speculate only on real stragglers: well past the typical shard time, and never before the floor.</summary>
    private TimeSpan SpeculateAfter()
    {
        if (_shardSeconds.Count == 0)
            return options.SpeculateAfter;
        var typical = _shardSeconds.Order().ElementAt(_shardSeconds.Count / 2);
        return TimeSpan.FromSeconds(Math.Max(options.SpeculateAfter.TotalSeconds, 2 * typical));
    }
}
