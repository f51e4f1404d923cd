using Polly;

namespace Fleet.Storage.Resilience;

/// <summary>
/// The outermost strategy of a foreign host's pipeline: a transient failure that is still a failure after the retries is
/// the host's fault, so it leaves as <see cref="ForeignHostUnavailableException"/>, which no caller mistakes for the
/// fleet's storage being down.
/// </summary>
internal sealed class ForeignHostFaultStrategy(string host, int attempts) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        return outcome.Exception switch
        {
            { } e when StorageResilience.IsTransient(e) => Outcome.FromException<TResult>(
                new ForeignHostUnavailableException(host, $"{host} is unavailable after {attempts} attempts: {e.Message}", e)),
            _ => outcome,
        };
    }
}
