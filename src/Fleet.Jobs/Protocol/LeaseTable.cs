namespace Fleet.Jobs.Protocol;

/// <summary>
/// Which shards are waiting and which are leased, for one job. Pure bookkeeping (no I/O), driven by the job grain:
/// leases expire back into the queue, a straggling tail shard can get a second (speculative) lease, and at most one
/// lease per shard holds the right to commit at a time.
/// </summary>
public sealed class LeaseTable(TimeProvider time)
{
    private readonly LinkedList<int> _pending = new();
    private readonly HashSet<int> _queued = [];
    private readonly Dictionary<int, List<ActiveLease>> _leases = [];
    private readonly List<ActiveLease> _expired = [];

    public int PendingCount => _pending.Count;
    public int LeasedCount => _leases.Count;

    public void Enqueue(int shard)
    {
        if (!_leases.ContainsKey(shard) && _queued.Add(shard))
            _pending.AddLast(shard);
    }

    /// <summary>The leases that expired (their workers never renewed, committed or gave them back) since the last call.</summary>
    public IReadOnlyList<ActiveLease> TakeExpired()
    {
        ExpireLeases();
        var expired = _expired.ToArray();
        _expired.Clear();
        return expired;
    }

    public void Clear()
    {
        _expired.Clear();
        _pending.Clear();
        _queued.Clear();
        _leases.Clear();
    }

    /// <summary>
    /// A lease on the oldest waiting shard that <paramref name="held"/> does not hold back; else, when nothing waits and
    /// <paramref name="allowSpeculation"/>, a second lease on a straggler.
    /// </summary>
    public ActiveLease? TryLease(string worker, TimeSpan duration, TimeSpan speculateAfter, bool allowSpeculation, Func<int, bool>? held = null)
    {
        ExpireLeases();
        var now = time.GetUtcNow();
        var next = _pending.First;
        while (next is not null && held?.Invoke(next.Value) == true)
            next = next.Next;
        if (next is not null)
        {
            _pending.Remove(next);
            _queued.Remove(next.Value);
            return Add(new ActiveLease(Guid.NewGuid(), next.Value, worker, now, now + duration, speculative: false));
        }
        if (_pending.Count > 0 || !allowSpeculation)
            return null;

        var straggler = _leases.Values
            .Where(l => l.Count == 1 && l[0].Worker != worker && !l[0].CommitGranted && now - l[0].LeasedAt > speculateAfter)
            .Select(l => l[0])
            .MinBy(l => l.LeasedAt);
        return straggler is null ? null : Add(new ActiveLease(Guid.NewGuid(), straggler.Shard, worker, now, now + duration, speculative: true));
    }

    public bool Renew(int shard, Guid leaseId, TimeSpan duration)
    {
        ExpireLeases();
        if (Find(shard, leaseId) is not { } lease)
            return false;
        lease.ExpiresAt = time.GetUtcNow() + duration;
        return true;
    }

    /// <summary>
    /// Gives <paramref name="duration"/> back to every lease still live at <paramref name="since"/>: the job was busy that
    /// long (a checkpoint write against slow or unreachable storage) and no holder could renew. Leases that had expired
    /// before are not revived.
    /// </summary>
    public void Extend(DateTimeOffset since, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
            return;
        foreach (var lease in _leases.Values.SelectMany(l => l).Where(l => l.ExpiresAt > since))
            lease.ExpiresAt += duration;
    }

    /// <summary>Grants the commit to a live lease unless another lease of the shard holds a live grant.</summary>
    public bool TryGrantCommit(int shard, Guid leaseId, TimeSpan window)
    {
        ExpireLeases();
        if (Find(shard, leaseId) is not { } lease)
            return false;
        if (_leases[shard].Any(l => l.CommitGranted && l.Id != leaseId))
            return false;
        lease.CommitGranted = true;
        lease.ExpiresAt = time.GetUtcNow() + window;
        return true;
    }

    /// <summary>True when this lease was granted the commit (even if it expired since: its commit may have landed).</summary>
    public bool HoldsCommit(int shard, Guid leaseId) =>
        _leases.TryGetValue(shard, out var leases) && leases.Any(l => l.Id == leaseId && l.CommitGranted);

    /// <summary>The shard is done: forget its leases (their later calls are refused); returns the committing lease.</summary>
    public ActiveLease? Complete(int shard, Guid leaseId) =>
        _leases.Remove(shard, out var leases) ? leases.FirstOrDefault(l => l.Id == leaseId) : null;

    /// <summary>Drops one lease; the shard goes back to the front of the queue when no other lease holds it.</summary>
    public bool Release(int shard, Guid leaseId)
    {
        if (!_leases.TryGetValue(shard, out var leases) || leases.RemoveAll(l => l.Id == leaseId) == 0)
            return false;
        if (leases.Count == 0)
        {
            _leases.Remove(shard);
            if (_queued.Add(shard))
                _pending.AddFirst(shard);
        }
        return true;
    }

    private ActiveLease Add(ActiveLease lease)
    {
        if (!_leases.TryGetValue(lease.Shard, out var leases))
            _leases[lease.Shard] = leases = [];
        leases.Add(lease);
        return lease;
    }

    private ActiveLease? Find(int shard, Guid leaseId) =>
        _leases.TryGetValue(shard, out var leases) ? leases.FirstOrDefault(l => l.Id == leaseId) : null;

    private void ExpireLeases()
    {
        var now = time.GetUtcNow();
        foreach (var (shard, leases) in _leases.ToArray())
        {
            _expired.AddRange(leases.Where(l => l.ExpiresAt <= now));
            leases.RemoveAll(l => l.ExpiresAt <= now);
            if (leases.Count == 0)
            {
                _leases.Remove(shard);
                // Expired work goes first: it has waited longest.
                if (_queued.Add(shard))
                    _pending.AddFirst(shard);
            }
        }
    }
}
