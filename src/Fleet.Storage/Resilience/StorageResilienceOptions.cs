namespace Fleet.Storage.Resilience;

/// <summary>Retries and timeouts of every storage call (bound from Fleet:Storage:Resilience).</summary>
public sealed record StorageResilienceOptions
{
    public const string SectionName = "Fleet:Storage:Resilience";

    public int MaxRetryAttempts { get; set; } = 5;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The circuit breaker: when at least <see cref="CircuitFailureRatio"/> of the calls in <see cref="CircuitSamplingDuration"/>
    /// (and at least <see cref="CircuitMinimumThroughput"/> of them) failed transiently, calls fail at once for
    /// <see cref="CircuitBreakDuration"/> (0 turns the breaker off). The ratio is high so that only an outage opens it,
    /// never a few slow or chaos-injected faults.
    /// </summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
    public double CircuitFailureRatio { get; set; } = 0.9;
    public int CircuitMinimumThroughput { get; set; } = 20;
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Chaos engineering: the fraction of storage calls that fail with an injected transient fault (503) before they
    /// are sent, inside the retry, to prove that faults are retried and lose nothing. 0 (off) outside tests and drills.
    /// </summary>
    public double ChaosFaultRate { get; set; }
}
