namespace Fleet.Storage.Resilience;

public sealed record StorageResilienceOptions
{
    public int MaxRetryAttempts { get; init; } = 5;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Chaos engineering: the fraction of storage calls that fail with an injected transient fault (503) before they
    /// are sent, inside the retry, to prove that faults are retried and lose nothing. 0 (off) outside tests and drills.
    /// </summary>
    public double ChaosFaultRate { get; init; }
}
