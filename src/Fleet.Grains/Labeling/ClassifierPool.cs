using System.Collections.Concurrent;
using Fleet.Inference.Classification;
using Fleet.Inference.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Grains.Labeling;

/// <summary>One shared classifier per model name on this silo: sessions are expensive, and Run is thread-safe.</summary>
public sealed class ClassifierPool(
    ModelCatalog catalog,
    ModelResolver resolver,
    IOptions<InferenceOptions> options,
    ILogger<ImageClassifier> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ImageClassifier>>> _classifiers = new(StringComparer.Ordinal);

    public Task<ImageClassifier> GetAsync(string modelName)
    {
        var lazy = _classifiers.GetOrAdd(modelName, name => new(() => ImageClassifier.LoadAsync(catalog, resolver, name, options.Value, logger)));
        var task = lazy.Value;
        // A failed load (e.g. a download that timed out) is not cached: the next shard tries again.
        if (task.IsFaulted)
            _classifiers.TryRemove(new KeyValuePair<string, Lazy<Task<ImageClassifier>>>(modelName, lazy));
        return task;
    }

    public void Dispose()
    {
        foreach (var lazy in _classifiers.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                lazy.Value.Result.Dispose();
        }
    }
}
