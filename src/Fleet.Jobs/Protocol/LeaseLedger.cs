namespace Fleet.Jobs.Protocol;

/// <summary>
/// The leases a job has out and the ones lost without their workers, persisted with the job so a crash that takes the
/// job grain down with a worker (the same silo) still counts: after re-activation every lease held before is a
/// <see cref="PendingLoss"/>. Small: one entry per lease in flight.
/// </summary>
[GenerateSerializer, Alias("fleet.LeaseLedger")]
public sealed class LeaseLedger
{
    /// <summary>Leases granted and not yet committed, given back or lost.</summary>
    [Id(0)] public Dictionary<Guid, HeldLease> Held { get; set; } = [];

    [Id(1)] public List<PendingLoss> Pending { get; set; } = [];

    public void Granted(Guid lease, int shard, string worker) => Held[lease] = new HeldLease(shard, worker);

    /// <summary>True while a lost lease of <paramref name="shard"/> awaits its verdict: the shard waits too, so the next worker gets it with what that loss teaches (isolation, a poisoned image).</summary>
    public bool AwaitsVerdict(int shard) => Pending.Any(p => p.Shard == shard);

    /// <summary>The lease was committed or given back by its worker: nothing was lost.</summary>
    public void Ended(Guid lease) => Held.Remove(lease);

    /// <summary>Every lease of <paramref name="shard"/> ends with its commit.</summary>
    public void ShardDone(int shard)
    {
        foreach (var (lease, _) in Held.Where(h => h.Value.Shard == shard).ToArray())
            Held.Remove(lease);
        Pending.RemoveAll(p => p.Shard == shard);
    }

    /// <summary>The lease ended without its worker; counted at <paramref name="chargeAt"/> unless the holder answers (with the image in flight of an isolated shard).</summary>
    public void Lost(Guid lease, int shard, string worker, ShardIsolation? isolation, DateTimeOffset chargeAt)
    {
        Held.Remove(lease);
        Pending.Add(new PendingLoss(lease, shard, isolation?.TakeInFlight(lease), chargeAt, Isolated: isolation is not null, worker));
    }

    /// <summary>The holder of <paramref name="lease"/> called after losing it: alive. True if that cleared a pending loss.</summary>
    public bool Answered(Guid lease) => Pending.RemoveAll(p => p.LeaseId == lease) > 0;

    /// <summary>Takes the pending losses whose holders stayed silent until <paramref name="now"/> or are known dead.</summary>
    public IReadOnlyList<PendingLoss> TakeSilent(DateTimeOffset now, Func<string, bool> isDead)
    {
        var due = Pending.Where(p => p.ChargeAt <= now || isDead(p.Worker)).ToList();
        Pending.RemoveAll(due.Contains);
        return due;
    }

    /// <summary>A stopped job has no leases out and nothing to charge.</summary>
    public void Clear()
    {
        Held.Clear();
        Pending.Clear();
    }
}
