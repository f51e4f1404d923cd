using Fleet.Inference.Classification;
using Fleet.Models;
using Fleet.Inference.Runtime;

namespace Fleet.Inference.Tests.Support;

/// <summary>The real catalog classifier, resolved from the shared mirror (never downloaded), loaded once per test class family.</summary>
public sealed class ClassifierFixture : IDisposable
{
    private readonly TempDirectory _cache = new();

    public ClassifierFixture()
    {
        Catalog = ModelCatalog.Load(TestPaths.CatalogFile);
        Resolver = new ModelResolver(new ModelResolverOptions
        {
            RepositoryModelsDirectory = Catalog.CatalogDirectory,
            CacheDirectory = _cache.Path,
            MirrorDirectory = TestPaths.ModelMirror,
            AllowDownload = false,
        });
        Classifier = ImageClassifier.LoadAsync(Catalog, Resolver, options: new InferenceOptions { Device = InferenceDevice.Cpu, BatchSize = 16 })
            .GetAwaiter().GetResult();
    }

    public ModelCatalog Catalog { get; }

    public ModelResolver Resolver { get; }

    public ImageClassifier Classifier { get; }

    public void Dispose()
    {
        Classifier.Dispose();
        _cache.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClassifierCollection : ICollectionFixture<ClassifierFixture>
{
    public const string Name = "classifier";
}
