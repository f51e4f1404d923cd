namespace Fleet.Jobs.Protocol;

/// <summary>One live lease in a job's lease table (in memory only: after a job re-activates, old leases are unknown and their reports ignored).</summary>
public sealed class ActiveLease(Guid id, int shard, string worker, DateTimeOffset leasedAt, DateTimeOffset expiresAt, bool speculative)
{
    public Guid Id { get; } = id;
    public int Shard { get; } = shard;
    public string Worker { get; } = worker;
    public DateTimeOffset LeasedAt { get; } = leasedAt;
    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;
    public bool Speculative { get; } = speculative;
    public bool CommitGranted { get; set; }
}
