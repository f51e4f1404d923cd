namespace Fleet.Worker.Workers;

/// <summary>
/// After a shard went back because storage was unreachable, this silo's worker leases nothing for a while: the next
/// shard would only fail the same way, and a fleet re-leasing in a tight loop would hammer the job and the account.
/// The wait doubles while the outage lasts (up to <c>max</c>) and starts over after a shard commits.
/// </summary>
public sealed class StorageOutageBackoff(TimeProvider time, TimeSpan first, TimeSpan max)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _until = DateTimeOffset.MinValue;
    private readonly TimeSpan _first = first;
    private TimeSpan _next = first;

    /// <summary>True while the worker should not take new work.</summary>
    public bool Waiting
    {
        get
        {
            lock (_lock)
                return time.GetUtcNow() < _until;
        }
    }

    /// <summary>Storage failed a shard: wait before the next lease.</summary>
    public void Failed()
    {
        lock (_lock)
        {
            _until = time.GetUtcNow() + _next;
            _next = TimeSpan.FromTicks(Math.Min(max.Ticks, _next.Ticks * 2));
        }
    }

    /// <summary>Storage worked (a shard committed): the next outage starts with the short wait again.</summary>
    public void Succeeded()
    {
        lock (_lock)
            _next = _first;
    }
}
