namespace Fleet.Storage.Resilience;

public sealed record StorageResilienceOptions
{
    public int MaxRetryAttempts { get; init; } = 5;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
