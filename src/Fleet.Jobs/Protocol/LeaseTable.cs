namespace Fleet.Jobs.Protocol;

/// <summary>
/// Which shards are waiting and which are leased, for one job. Pure bookkeeping (no I/O), driven by the job grain:
/// leases expire back into the queue, a straggling tail shard can get a second (speculative) lease, and at most one
/// lease per shard holds the right to commit at a time. What waits is a cursor over the plan (shards not yet reached,
/// those <paramref name="isDone"/> skipped) plus a short queue in front of it of shards given back, expired or held
/// back: memory grows with the leases in flight, not with the job.
/// </summary>
public sealed class LeaseTable(TimeProvider time, Func<int, bool>? isDone = null)
{
    private readonly LinkedList<int> _pending = new();
    private readonly HashSet<int> _queued = [];
    private readonly Func<int, bool> _isDone = isDone ?? (_ => false);
    /// <summary>Shards from here to <see cref="_end"/> were never leased in this activation (done ones are skipped when reached).</summary>
    private int _cursor;
    private int _end;
    private readonly Dictionary<int, List<ActiveLease>> _leases = [];
    private readonly List<ActiveLease> _expired = [];

    /// <summary>Shards waiting; done shards ahead of the cursor count until it passes them.</summary>
    public int PendingCount => _pending.Count + (_end - _cursor);
    public int LeasedCount => _leases.Count;

    /// <summary>Makes a shard leasable: the next planned one extends the cursor's range, any other joins the queue in front of it.</summary>
    public void Enqueue(int shard)
    {
        if (_leases.ContainsKey(shard) || (shard >= _cursor && shard < _end))
            return;
        if (shard == _end && shard >= _cursor)
        {
            _end++;
            return;
        }
        if (_queued.Add(shard))
            _pending.AddLast(shard);
    }

    /// <summary>Every shard below <paramref name="planned"/> that is not done waits, in order; no lease is out.</summary>
    public void Reset(int planned)
    {
        Clear();
        _end = planned;
    }

    /// <summary>
    /// The plan now has <paramref name="planned"/> shards (a byte-range plan resized from a shard the cursor has not
    /// passed): the cursor's range ends there. Shards it already passed, and every lease, stay as they are.
    /// </summary>
    public void Replanned(int planned)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(planned, _cursor);
        _end = planned;
    }

    /// <summary>The leases that expired (their workers never renewed, committed or gave them back) since the last call.</summary>
    /// <param name="holderGone">Also ends, before their time, the leases of holders for whom this is true (a silo the cluster declared dead).</param>
    public IReadOnlyList<ActiveLease> TakeExpired(Func<string, bool>? holderGone = null)
    {
        ExpireLeases(holderGone);
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
        _cursor = 0;
        _end = 0;
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
        while (next is not null && (Stale(next.Value) || held?.Invoke(next.Value) == true))
        {
            var after = next.Next;
            if (Stale(next.Value))
            {
                _pending.Remove(next);
                _queued.Remove(next.Value);
            }
            next = after;
        }
        if (next is not null)
        {
            _pending.Remove(next);
            _queued.Remove(next.Value);
            return Add(new ActiveLease(Guid.NewGuid(), next.Value, worker, now, now + duration, speculative: false));
        }
        if (NextFromCursor(held) is { } shard)
            return Add(new ActiveLease(Guid.NewGuid(), shard, worker, now, now + duration, speculative: false));
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

    /// <summary>A queued shard the cursor leased meanwhile, or one done since: not waiting any more.</summary>
    private bool Stale(int shard) => _leases.ContainsKey(shard) || _isDone(shard);

    /// <summary>The next shard the cursor reaches that is neither done nor leased; one held back joins the queue in front.</summary>
    private int? NextFromCursor(Func<int, bool>? held)
    {
        while (_cursor < _end)
        {
            var shard = _cursor++;
            if (_isDone(shard) || _leases.ContainsKey(shard))
                continue;
            if (held?.Invoke(shard) == true)
            {
                if (_queued.Add(shard))
                    _pending.AddLast(shard);
                continue;
            }
            return shard;
        }
        return null;
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

    private void ExpireLeases(Func<string, bool>? holderGone = null)
    {
        var now = time.GetUtcNow();
        bool Ended(ActiveLease lease) => lease.ExpiresAt <= now || holderGone?.Invoke(lease.Worker) == true;
        foreach (var (shard, leases) in _leases.ToArray())
        {
            _expired.AddRange(leases.Where(Ended));
            leases.RemoveAll(Ended);
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
