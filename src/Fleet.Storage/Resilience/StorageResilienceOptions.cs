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
    /// A host other than the fleet's account (an http server, another blob account) that a job's items name: after this
    /// many of that job's items on it failed in a row on one silo (each after all its retries: refused, timed out, 5xx),
    /// the job's remaining items there fail at once as error rows naming the host, without more retries, so 10,000 lines
    /// to a dead host end in seconds, not hours of retries (a timing-out host costs about MaxRetryAttempts x
    /// AttemptTimeout per item). One success resets the count. 3: one or two unlucky items never condemn a host that
    /// mostly works, yet a silo's 8 parallel reads find a dead one within one round. 0 turns the budget off.
    /// </summary>
    public int ForeignHostFailureBudget { get; set; } = 3;

    /// <summary>How long a job's tally for a host is kept on a silo after its last item there (then the host is tried afresh).</summary>
    public TimeSpan ForeignHostBudgetMemory { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Chaos engineering: the fraction of storage calls that fail with an injected transient fault (503) before they
    /// are sent, inside the retry, to prove that faults are retried and lose nothing. 0 (off) outside tests and drills.
    /// </summary>
    public double ChaosFaultRate { get; set; }
}
