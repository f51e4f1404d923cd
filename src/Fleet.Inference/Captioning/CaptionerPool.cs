using System.Collections.Concurrent;
using Fleet.Inference.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Inference.Captioning;

/// <summary>
/// One shared caption generator per model name in this process, loaded on first use: sessions are expensive and
/// generation is thread-safe. A failed load is not cached; the next caller retries.
/// </summary>
public sealed class CaptionerPool(
    ModelCatalog catalog,
    ModelResolver resolver,
    IOptions<InferenceOptions> options,
    ILogger<CaptionGenerator> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<CaptionGenerator>>> _generators = new(StringComparer.Ordinal);

    /// <summary>The generator <paramref name="modelName"/>; null means <see cref="InferenceOptions.Captioner"/>, else the catalog's default causal-lm.</summary>
    public async Task<CaptionGenerator> GetAsync(string? modelName = null, CancellationToken cancellationToken = default)
    {
        var name = modelName ?? options.Value.Captioner ?? catalog.GetDefault(ModelKinds.CausalLm).Name;
        // The load is shared by all callers, so one caller's cancellation must not cancel it.
        var lazy = _generators.GetOrAdd(name, n => new(() => CaptionGenerator.LoadAsync(catalog, resolver, n, options.Value, logger)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _generators.TryRemove(new KeyValuePair<string, Lazy<Task<CaptionGenerator>>>(name, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _generators.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                lazy.Value.Result.Dispose();
        }

        _generators.Clear();
    }
}
