using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Azure;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Simmy;
using Polly.Timeout;

namespace Fleet.Storage.Resilience;

/// <summary>
/// The one retry policy for every storage call: transient faults (5xx, 408, 429, connection, socket and timeout errors)
/// are retried with jittered exponential back-off; each attempt has its own timeout. Inside the retry, on the fleet's own
/// account only, a circuit breaker opens when nearly every call fails (storage is down, not one item): then calls fail at
/// once for a while instead of each spending its retries against a dead account, and callers send their work back to
/// wait (<see cref="StorageUnavailableException"/>).
/// </summary>
public static class StorageResilience
{
    public const string PipelineName = "fleet-storage";

    /// <summary>The pipeline; <paramref name="meter"/> (Fleet's meter from IMeterFactory, in hosts) counts injected faults.</summary>
    public static ResiliencePipeline Create(StorageResilienceOptions? options = null, Meter? meter = null) =>
        Build(options ?? new StorageResilienceOptions(), InjectedFaults(meter), foreignHost: null);

    /// <summary>The counter of faults the chaos setting injected; null without a meter.</summary>
    internal static Counter<long>? InjectedFaults(Meter? meter) =>
        meter?.CreateCounter<long>("fleet.storage.faults.injected", "{fault}", "Storage faults injected by the chaos setting");

    /// <summary>
    /// The pipeline. For a <paramref name="foreignHost"/> (not the fleet's account) a failure that outlived the retries
    /// comes out as <see cref="ForeignHostUnavailableException"/>: that host's item is bad, the fleet's storage is fine
    /// (<see cref="StoragePipelines"/>). A foreign host gets no circuit breaker: an open circuit there only turns the
    /// retries of a brief blip into error rows for good images (20 failures take about a second at a silo's parallel
    /// reads; the break is 5 s, the retries about 6 s), and failing fast on a host that stays down is the per-job host
    /// budget's work (ForeignHostBudget), which counts only items that failed through all their retries.
    /// </summary>
    internal static ResiliencePipeline Build(StorageResilienceOptions options, Counter<long>? injectedFaults, string? foreignHost)
    {
        var builder = new ResiliencePipelineBuilder { Name = PipelineName };
        if (foreignHost is not null)
            builder.AddStrategy(_ => new ForeignHostFaultStrategy(foreignHost, options.MaxRetryAttempts + 1));
        builder
            .AddRetry(new RetryStrategyOptions
            {
                // An open circuit is retried too: a short blip closes it again within the retries.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => IsTransient(e) || e is BrokenCircuitException),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        if (foreignHost is null && options.CircuitBreakDuration > TimeSpan.Zero)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                FailureRatio = options.CircuitFailureRatio,
                MinimumThroughput = options.CircuitMinimumThroughput,
                SamplingDuration = options.CircuitSamplingDuration,
                BreakDuration = options.CircuitBreakDuration,
            });
        }
        builder.AddTimeout(options.AttemptTimeout);
        if (options.ChaosFaultRate > 0)
        {
            builder.AddChaosFault(options.ChaosFaultRate, () =>
            {
                injectedFaults?.Add(1);
                return new RequestFailedException(503, "injected storage fault (chaos)");
            });
        }
        return builder.Build();
    }

    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException e => e.Status is 0 or 408 or 429 or >= 500,
        TimeoutRejectedException => true,
        // A connection the intake policy refused: the next try would be refused too.
        HttpRequestException { InnerException: Security.IntakePolicyException } => false,
        // No status: the connection failed. With one: only the statuses that can change on a retry.
        HttpRequestException e => e.StatusCode is null || (int)e.StatusCode is 408 or 429 or >= 500,
        SocketException => true,
        IOException and not FileNotFoundException and not DirectoryNotFoundException => true,
        _ => false,
    };
}
