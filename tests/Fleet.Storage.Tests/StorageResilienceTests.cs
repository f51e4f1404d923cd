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
}
