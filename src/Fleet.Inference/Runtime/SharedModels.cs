using System.Collections.Concurrent;

namespace Fleet.Inference.Runtime;

/// <summary>
/// One shared, lazily loaded instance per model name in this process: sessions are expensive and their runs are
/// thread-safe. The load is shared by all callers (one caller's cancellation does not cancel it); a failed load
/// is not cached, so the next caller retries.
/// </summary>
public sealed class SharedModels<T> : IDisposable where T : class, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<T>>> _models = new(StringComparer.Ordinal);

    public async Task<T> GetAsync(string name, Func<string, Task<T>> load, CancellationToken cancellationToken = default)
    {
        var lazy = _models.GetOrAdd(name, n => new(() => load(n)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _models.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(name, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _models.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                lazy.Value.Result.Dispose();
        }
        _models.Clear();
    }
}
