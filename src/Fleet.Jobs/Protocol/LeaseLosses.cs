namespace Fleet.Jobs.Protocol;

/// <summary>
/// What <see cref="ShardScheduler.CountLosses"/> decided: leases that expired (now pending losses), losses counted as
/// lost workers, and the shard that failed the job by it, if any.
/// </summary>
public sealed record LeaseLosses(IReadOnlyList<ActiveLease> Expired, IReadOnlyList<LostWorker> Lost, ShardAttempt? Exhausted)
{
    /// <summary>True when the ledger changed and must be written before the job goes on.</summary>
    public bool Changed => Expired.Count > 0 || Lost.Count > 0;
}
