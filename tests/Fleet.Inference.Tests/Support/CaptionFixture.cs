using Fleet.Inference.Captioning;
using Fleet.Models;
using Fleet.Inference.Runtime;

namespace Fleet.Inference.Tests.Support;

/// <summary>The committed caption models (repo models/, never downloaded), each loaded once per test class family.</summary>
public sealed class CaptionFixture : IDisposable
{
    public const string TinyModel = "fleet-caption-gpt2-tiny-random";
    public const string TrainedModel = "fleet-caption-gpt2-small";

    private readonly TempDirectory _cache = new();
    private readonly Lazy<CaptionGenerator> _trained;

    public CaptionFixture()
    {
        Catalog = ModelCatalog.Load(TestPaths.CatalogFile);
        Resolver = new ModelResolver(new ModelResolverOptions
        {
            RepositoryModelsDirectory = Catalog.CatalogDirectory,
            CacheDirectory = _cache.Path,
            AllowDownload = false,
        });
        Tiny = Load(TinyModel, batchSize: 16);
        _trained = new(() => Load(TrainedModel, batchSize: 16));
    }

    public ModelCatalog Catalog { get; }

    public ModelResolver Resolver { get; }

    public CaptionGenerator Tiny { get; }

    public CaptionGenerator Trained => _trained.Value;

    public CaptionGenerator Load(string name, int batchSize) =>
        CaptionGenerator.LoadAsync(Catalog, Resolver, name, new InferenceOptions { Device = InferenceDevice.Cpu, BatchSize = batchSize })
            .GetAwaiter().GetResult();

    public void Dispose()
    {
        Tiny.Dispose();
        if (_trained.IsValueCreated)
        {
            _trained.Value.Dispose();
        }

        _cache.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CaptionCollection : ICollectionFixture<CaptionFixture>
{
    public const string Name = "caption";
}
