namespace Fleet.Storage.Resilience;

/// <summary>
/// A host other than the fleet's own account could not be reached, or kept answering 5xx, through all its retries. The
/// item it serves becomes an error row naming <see cref="Host"/>; the fleet's storage is fine, so this is never an outage (<see cref="StorageUnavailableException.IsOutage"/> is false for it).
/// </summary>
public sealed class ForeignHostUnavailableException(string host, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Scheme, host and port (<see cref="StoragePipelines.HostOf"/>): no path, query or user info.</summary>
    public string Host { get; } = host;
}
