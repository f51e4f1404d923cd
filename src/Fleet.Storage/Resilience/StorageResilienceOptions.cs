namespace Fleet.Storage.Resilience;

/// <summary>Retries and timeouts of every storage call (bound from Fleet:Storage:Resilience).</summary>
public sealed record StorageResilienceOptions
{
    public const string SectionName = "Fleet:Storage:Resilience";

    public int MaxRetryAttempts { get; set; } = 5;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Chaos engineering: the fraction of storage calls that fail with an injected transient fault (503) before they
    /// are sent, inside the retry, to prove that faults are retried and lose nothing. 0 (off) outside tests and drills.
    /// </summary>
    public double ChaosFaultRate { get; set; }
}
