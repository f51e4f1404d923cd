using Fleet.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Inference.Classification;

/// <summary>The shared classifiers of this process, one per model name, loaded on first use (resolving can download).</summary>
public sealed class ClassifierPool(
    ModelCatalog catalog,
    ModelResolver resolver,
    IOptions<InferenceOptions> options,
    ILogger<ImageClassifier> logger) : IDisposable
{
    private readonly SharedModels<ImageClassifier> _classifiers = new();

    /// <summary>The classifier <paramref name="modelName"/>; null means <see cref="InferenceOptions.Classifier"/>, else the catalog default.</summary>
    public Task<ImageClassifier> GetAsync(string? modelName = null, CancellationToken cancellationToken = default) =>
        _classifiers.GetAsync(
            modelName ?? options.Value.Classifier ?? catalog.GetDefault(ModelKinds.Classifier).Name,
            name => ImageClassifier.LoadAsync(catalog, resolver, name, options.Value, logger),
            cancellationToken);

    public void Dispose() => _classifiers.Dispose();
}
