using System.Collections.Concurrent;
using Fleet.Inference.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Inference.Classification;

/// <summary>
/// One shared classifier per model name in this process, loaded on first use (resolving can download, so it is
/// async): sessions are expensive and Run is thread-safe. A failed load is not cached; the next caller retries.
/// </summary>
public sealed class ClassifierPool(
    ModelCatalog catalog,
    ModelResolver resolver,
    IOptions<InferenceOptions> options,
    ILogger<ImageClassifier> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ImageClassifier>>> _classifiers = new(StringComparer.Ordinal);

    /// <summary>The classifier <paramref name="modelName"/>; null means <see cref="InferenceOptions.Classifier"/>, else the catalog default.</summary>
    public async Task<ImageClassifier> GetAsync(string? modelName = null)
    {
        var name = modelName ?? options.Value.Classifier ?? catalog.GetDefault(ModelKinds.Classifier).Name;
        var lazy = _classifiers.GetOrAdd(name, n => new(() => ImageClassifier.LoadAsync(catalog, resolver, n, options.Value, logger)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _classifiers.TryRemove(new KeyValuePair<string, Lazy<Task<ImageClassifier>>>(name, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _classifiers.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                lazy.Value.Result.Dispose();
        }
        _classifiers.Clear();
    }
}
