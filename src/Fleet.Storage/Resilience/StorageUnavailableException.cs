using Polly.CircuitBreaker;

namespace Fleet.Storage.Resilience;

/// <summary>
/// Storage could not be reached even after the retries (the account down, 5xx, the circuit open). Not the item's fault:
/// the work that needed it goes back to the queue to run again later, rather than becoming an error row.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>
    /// True when <paramref name="exception"/> (or what it wraps) says storage is unreachable, not that an item is bad:
    /// a transient fault that outlived the retries, or the open circuit. A 404, a policy refusal or a corrupt image is not.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        StorageUnavailableException or BrokenCircuitException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsOutage),
        OperationCanceledException => false,
        _ => StorageResilience.IsTransient(exception),
    };
}
