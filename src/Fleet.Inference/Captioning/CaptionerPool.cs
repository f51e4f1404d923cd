using Fleet.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Inference.Captioning;

/// <summary>The shared caption generators of this process, one per model name, loaded on first use.</summary>
public sealed class CaptionerPool(
    ModelCatalog catalog,
    ModelResolver resolver,
    IOptions<InferenceOptions> options,
    ILogger<CaptionGenerator> logger) : IDisposable
{
    private readonly SharedModels<CaptionGenerator> _generators = new();

    /// <summary>The generator <paramref name="modelName"/>; null means <see cref="InferenceOptions.Captioner"/>, else the catalog's default causal-lm.</summary>
    public Task<CaptionGenerator> GetAsync(string? modelName = null, CancellationToken cancellationToken = default) =>
        _generators.GetAsync(
            modelName ?? options.Value.Captioner ?? catalog.GetDefault(ModelKinds.CausalLm).Name,
            name => CaptionGenerator.LoadAsync(catalog, resolver, name, options.Value, logger),
            cancellationToken);

    public void Dispose() => _generators.Dispose();
}
