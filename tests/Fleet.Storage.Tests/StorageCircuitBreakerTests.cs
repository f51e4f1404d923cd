using Azure;
using Fleet.Storage.Resilience;
using Polly.CircuitBreaker;

namespace Fleet.Storage.Tests;

/// <summary>Storage down: after enough failed calls the circuit opens and calls fail at once, never reaching storage.</summary>
public sealed class StorageCircuitBreakerTests
{
    [Fact]
    public async Task When_every_call_fails_the_circuit_opens_and_later_calls_fail_fast_as_an_outage_without_reaching_storage()
    {
        var options = new StorageResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 2, CircuitMinimumThroughput = 5, CircuitBreakDuration = TimeSpan.FromSeconds(30) };
        var pipeline = StorageResilience.Create(options);
        var calls = 0;
        ValueTask<int> Down(CancellationToken _)
        {
            calls++;
            throw new RequestFailedException(503, "storage down");
        }

        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(Down));
        var reached = calls;
        var open = await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(Down));

        Assert.Equal(reached, calls);
        Assert.True(StorageUnavailableException.IsOutage(open));
        Assert.False(StorageUnavailableException.IsOutage(new RequestFailedException(404, "gone")));
    }

    [Fact]
    public async Task A_few_failures_among_successes_never_open_the_circuit()
    {
        var pipeline = StorageResilience.Create(new StorageResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 1, CircuitMinimumThroughput = 5 });
        var attempts = 0;
        // Every other attempt fails (and is retried): the breaker (90%) stays closed, so every call succeeds.
        for (var i = 0; i < 100; i++)
            Assert.Equal(1, await pipeline.ExecuteAsync(_ => attempts++ % 2 == 0 ? throw new RequestFailedException(503, "blip") : ValueTask.FromResult(1)));
    }
}
