using Fleet.Contracts;
using Fleet.Jobs.Planning;

namespace Fleet.Jobs.Protocol;

/// <summary>
/// Who holds which shard of one job, in one place (pure bookkeeping, clock-injected; the grain persists and logs what
/// it decides). The lease table lives in memory (expiry, speculation, commit grants: after a re-activation every old
/// lease is unknown and its calls are refused); what must survive a crash (the ledger of leases out and lost, attempts,
/// isolation) is the job record's, and every change to the table makes its change to the record here, so the two
/// cannot drift apart.
/// </summary>
public sealed class ShardScheduler(TimeProvider time, JobRunOptions options, JobRecord job, string localWorker)
{
    private const int DurationSamples = 100;

    private readonly LeaseTable _leases = new(time, job.IsShardDone);
    private readonly Queue<double> _shardSeconds = new();
    private AdaptiveSlices? _adaptive;

    /// <summary>Adaptive shard size of a byte-range plan, and the lease limit that keeps its resizes to shards never handed out.</summary>
    private AdaptiveSlices Adaptive => _adaptive ??= new(options, job, _leases.Replanned);

    /// <summary>Planned shards neither done nor leased (none while the job is stopped).</summary>
    public int PendingCount => _leases.PendingCount == 0 ? 0 : Math.Max(0, job.ShardCount - job.ShardsDone - _leases.LeasedCount);
    public int LeasedCount => _leases.LeasedCount;

    /// <summary>
    /// Every lease held before this activation died with the old one. Its worker may have died with it (one silo crash
    /// took both) or live elsewhere: each is a pending loss, cleared when its worker calls again, counted if it stays
    /// silent a lease more (a live worker renews three times per lease).
    /// </summary>
    public void Reactivated()
    {
        foreach (var (lease, held) in job.Leases.Held.ToArray())
            Lost(held.Shard, lease, held.Worker, time.GetUtcNow() + options.LeaseDuration);
    }

    /// <summary>The commits adaptive shard sizing would measure now (tests, logs).</summary>
    public IReadOnlyCollection<ShardSample> SliceSamples => Adaptive.Samples;

    /// <summary>Rebuilds the queue from the record: every planned shard not done waits again (a cursor over the done bits), no lease is out.</summary>
    public void Requeue() => _leases.Reset(job.ShardCount);

    /// <summary>Makes a planned shard leasable.</summary>
    public void Enqueue(int shard) => _leases.Enqueue(shard);

    /// <summary>Shards marked done whose parts are gone: their counts come back out and they run again.</summary>
    public void Reopen(IEnumerable<int> shards)
    {
        foreach (var shard in shards)
        {
            job.ReopenShard(shard);
            _leases.Enqueue(shard);
        }
    }

    /// <summary>
    /// A lease for <paramref name="worker"/> on the oldest waiting shard that no lost lease holds back for its verdict
    /// (the next worker gets it with what that loss teaches); speculative leases only once the plan is complete.
    /// </summary>
    public LeaseGrant? Lease(string worker)
    {
        var lease = _leases.TryLease(worker, options.LeaseDuration, SpeculateAfter(), allowSpeculation: job.PlanningComplete, job.Leases.AwaitsVerdict);
        if (lease is null)
            return null;
        job.Leases.Granted(lease.Id, lease.Shard, worker);
        // Always asked, so the lease limit follows every lease (a lease past it waits, and may resize the shards to come).
        var steps = job.Plan?.Steps.Count ?? 0;
        var pastLeaseLimit = Adaptive.Leased(lease);
        var waitForWrite = pastLeaseLimit || !options.WriteLeasesBehind || MustPersistFirst(worker, lease.Shard);
        return new LeaseGrant(lease, job.Isolated.GetValueOrDefault(lease.Shard), waitForWrite)
        {
            Resized = job.Plan is { } plan && plan.Steps.Count > steps ? plan.Steps[^1] : null,
        };
    }

    /// <summary>
    /// True when a lease must be written before its worker has it. A lease that is written behind and lost with this
    /// grain is unknown to the next activation, which refuses its holder's calls and runs the shard again (no row
    /// lost or doubled). What such a loss can forget is the evidence: a worker on this grain's own silo dies in the
    /// same crash, unseen, so that crash is not counted. For a shard in trouble (failed attempts, isolated) the count
    /// is what finds the image that stops workers, so those leases wait; every other lease goes out at once.
    /// </summary>
    public bool MustPersistFirst(string worker, int shard) =>
        worker == localWorker && (job.Progress.HasAttempts(shard) || job.Isolated.ContainsKey(shard));

    /// <summary>The lease was never handed out (its checkpoint failed): it must not expire as a lost worker later.</summary>
    public void Withdraw(LeaseToken lease)
    {
        Adaptive.Withdrawn(lease.LeaseId);
        End(lease);
    }

    public bool Renew(LeaseToken lease) => !job.IsShardDone(lease.Shard) && _leases.Renew(lease.Shard, lease.LeaseId, options.LeaseDuration);

    /// <summary>
    /// The holder of an isolated shard is about to process <paramref name="item"/> (<see cref="ShardLease.PastLastImage"/>:
    /// none); a renewal too. False for a lease no longer valid or a shard not isolated.
    /// </summary>
    public bool StartImage(LeaseToken lease, int item)
    {
        if (job.IsShardDone(lease.Shard) || !job.Isolated.TryGetValue(lease.Shard, out var isolation) || !_leases.Renew(lease.Shard, lease.LeaseId, options.LeaseDuration))
            return false;
        isolation.Started(lease.LeaseId, item == ShardLease.PastLastImage ? null : item);
        return true;
    }

    public bool BeginCommit(LeaseToken lease) => !job.IsShardDone(lease.Shard) && _leases.TryGrantCommit(lease.Shard, lease.LeaseId, options.LeaseDuration);

    /// <summary>True (the shard is done, its leases, attempts and isolation forgotten) when this lease holds the shard's commit grant.</summary>
    public bool Commit(LeaseToken lease, ShardReport report)
    {
        if (job.IsShardDone(lease.Shard) || !_leases.HoldsCommit(lease.Shard, lease.LeaseId))
            return false;
        if (_leases.Complete(lease.Shard, lease.LeaseId) is { } committed)
        {
            _shardSeconds.Enqueue((time.GetUtcNow() - committed.LeasedAt).TotalSeconds);
            if (_shardSeconds.Count > DurationSamples)
                _shardSeconds.Dequeue();
        }
        Adaptive.Committed(lease.Shard, report);
        job.MarkShardDone(lease.Shard, report);
        return true;
    }

    /// <summary>The worker gave the shard up after a failure: an attempt. Null for a lease no longer valid.</summary>
    public ShardAttempt? GiveUp(LeaseToken lease)
    {
        if (!End(lease))
            return null;
        var attempts = AttemptFailed(lease.Shard);
        return new ShardAttempt(lease.Shard, attempts, AttemptsExhausted(lease.Shard));
    }

    /// <summary>The worker gave the shard back through no fault of either (storage down, its silo stopping): not an attempt. False for a lease no longer valid.</summary>
    public bool Return(LeaseToken lease) => End(lease);

    /// <summary>
    /// The holder of a lease no longer valid called: it is alive, so that lease was not lost with a worker (a slow
    /// worker, a pause, a partition, a re-activation). True when that cleared a pending loss.
    /// </summary>
    public bool Answered(LeaseToken lease) => job.Leases.Answered(lease.LeaseId);

    /// <summary>
    /// Expired leases become pending losses; those whose holders stayed silent (or that <paramref name="isDead"/>, the
    /// cluster's membership, declared dead) count as lost workers: an attempt, isolation for a shard that keeps losing
    /// workers, a crash charged to the image an isolated worker had in flight.
    /// </summary>
    /// <param name="isDead">True for a worker whose silo the cluster declared dead.</param>
    /// <param name="endLeasesOfDead">
    /// Also end the live leases of dead silos now, not a lease's life later: such a silo never renews them, and Orleans
    /// stops a silo it declared dead, so no call of its comes after (after a kill -9 the shard waits for membership to
    /// notice, ~15-30 s, not the 60 s lease). It looks at every lease, so the grain asks it on its timer, not per call.
    /// </param>
    public LeaseLosses CountLosses(Func<string, bool> isDead, bool endLeasesOfDead = false)
    {
        var expired = _leases.TakeExpired(endLeasesOfDead ? isDead : null).Where(l => !job.IsShardDone(l.Shard)).ToList();
        foreach (var lease in expired)
            Lost(lease.Shard, lease.Id, lease.Worker, lease.ExpiresAt + options.LeaseDuration);
        if (job.Leases.Pending.Count == 0)
            return new LeaseLosses(expired, [], Exhausted: null);

        var silent = job.Leases.TakeSilent(time.GetUtcNow(), isDead).Where(loss => !job.IsShardDone(loss.Shard)).ToList();
        foreach (var loss in silent)
        {
            if (loss.Isolated && job.Isolated.TryGetValue(loss.Shard, out var isolation))
                isolation.Charge(loss.Item, options.PoisonAfter);
            else if (AttemptFailed(loss.Shard) >= options.IsolateAfter)
                job.Isolated.TryAdd(loss.Shard, new ShardIsolation());
        }
        var lost = silent.Select(loss => new LostWorker(loss, NowIsolated: job.Isolated.ContainsKey(loss.Shard) && !loss.Isolated)).ToList();
        var exhausted = silent.FirstOrDefault(loss => AttemptsExhausted(loss.Shard)) is { } fatal
            ? new ShardAttempt(fatal.Shard, job.Progress.AttemptsOf(fatal.Shard), Exhausted: true)
            : null;
        return new LeaseLosses(expired, lost, exhausted);
    }

    /// <summary>The job could not answer from <paramref name="since"/> for <paramref name="duration"/>: live leases get that time back (<see cref="LeaseTable.Extend"/>).</summary>
    public void Stalled(DateTimeOffset since, TimeSpan duration) => _leases.Extend(since, duration);

    /// <summary>A stopped job has no leases out, nothing waiting and nothing to charge.</summary>
    public void Stop()
    {
        _leases.Clear();
        job.Leases.Clear();
    }

    /// <summary>A resume is the user asking for another try: shards with failed images run again and attempts start over (what isolation learned is kept).</summary>
    public void Resume()
    {
        foreach (var shard in job.Progress.ShardsWithFailures())
            job.ReopenShard(shard);
        job.Progress.ClearAttempts();
    }

    /// <summary>The lease ends without a lost worker: its shard goes back to the queue. False for a lease no longer valid.</summary>
    private bool End(LeaseToken lease)
    {
        if (!_leases.Release(lease.Shard, lease.LeaseId))
            return false;
        job.Leases.Ended(lease.LeaseId);
        return true;
    }

    private void Lost(int shard, Guid lease, string worker, DateTimeOffset chargeAt) =>
        job.Leases.Lost(lease, shard, worker, job.Isolated.GetValueOrDefault(shard), chargeAt);

    private int AttemptFailed(int shard) => job.Progress.AttemptFailed(shard);

    /// <summary>True when <paramref name="shard"/> has failed more often than a job tolerates.</summary>
    private bool AttemptsExhausted(int shard) =>
        job.Progress.AttemptsOf(shard) >= options.MaxShardAttempts
        || (job.Isolated.TryGetValue(shard, out var isolation) && isolation.UnexplainedLosses >= options.MaxShardAttempts);

    /// <summary>Speculate only on real stragglers: well past the typical shard time, and never before the floor.</summary>
    private TimeSpan SpeculateAfter()
    {
        if (_shardSeconds.Count == 0)
            return options.SpeculateAfter;
        var typical = _shardSeconds.Order().ElementAt(_shardSeconds.Count / 2);
        return TimeSpan.FromSeconds(Math.Max(options.SpeculateAfter.TotalSeconds, 2 * typical));
    }
}
