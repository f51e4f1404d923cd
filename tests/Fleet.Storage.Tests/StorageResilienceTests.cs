using Azure;
using Fleet.Storage.Resilience;

namespace Fleet.Storage.Tests;

public sealed class StorageResilienceTests
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 4 };

    [Fact]
    public async Task Transient_faults_are_retried_until_the_call_succeeds()
    {
        var attempts = 0;
        var result = await StorageResilience.Create(Fast).ExecuteAsync(_ =>
        {
            attempts++;
            if (attempts < 3)
                throw new RequestFailedException(503, "busy");
            return ValueTask.FromResult(42);
        });

        Assert.Equal(42, result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Permanent_faults_are_not_retried()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<RequestFailedException>(async () => await StorageResilience.Create(Fast).ExecuteAsync<int>(_ =>
        {
            attempts++;
            throw new RequestFailedException(404, "gone");
        }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Chaos_faults_are_injected_before_the_call_and_retried_like_real_ones()
    {
        var attempts = 0;
        var calls = 0;
        var pipeline = StorageResilience.Create(Fast with { ChaosFaultRate = 0.5, MaxRetryAttempts = 50 });

        for (var i = 0; i < 20; i++)
        {
            await pipeline.ExecuteAsync(_ =>
            {
                calls++;
                return ValueTask.CompletedTask;
            });
            attempts++;
        }

        Assert.Equal(20, calls);
        Assert.Equal(20, attempts);
        var always = StorageResilience.Create(Fast with { ChaosFaultRate = 1.0, MaxRetryAttempts = 2 });
        var error = await Assert.ThrowsAsync<RequestFailedException>(async () => await always.ExecuteAsync(_ => ValueTask.CompletedTask));
        Assert.Contains("injected", error.Message);
    }
}
