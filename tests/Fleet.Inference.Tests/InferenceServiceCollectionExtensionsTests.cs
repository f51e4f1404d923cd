using Fleet.Inference.Captioning;
using Fleet.Inference.Classification;
using Fleet.Models;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Inference.Tests;

public sealed class InferenceServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Registers_a_classifier_pool_configured_from_configuration()
    {
        using var cache = new TempDirectory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Fleet:Models:Catalog"] = TestPaths.CatalogFile,
                ["Fleet:Models:CacheDirectory"] = cache.Path,
                ["Fleet:Models:MirrorDirectory"] = TestPaths.ModelMirror,
                ["Fleet:Models:AllowDownload"] = "false",
                ["Fleet:Inference:Device"] = "cpu",
                ["Fleet:Inference:BatchSize"] = "4",
                ["Fleet:Inference:IntraOpThreads"] = "1",
            })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddFleetInference().BuildServiceProvider();

        var resolverOptions = services.GetRequiredService<ModelResolverOptions>();
        Assert.Equal((cache.Path, TestPaths.ModelMirror, false), (resolverOptions.CacheDirectory, resolverOptions.MirrorDirectory, resolverOptions.AllowDownload));

        var pool = services.GetRequiredService<ClassifierPool>();
        var classifier = await pool.GetAsync();

        Assert.Same(classifier, await pool.GetAsync());
        Assert.Same(classifier, await pool.GetAsync("mobilenetv2-12-int8"));
        Assert.Equal("mobilenetv2-12-int8", classifier.ModelName);
        Assert.Equal(4, classifier.BatchSize);
        Assert.Equal(ExecutionProviders.Cpu, classifier.ExecutionProvider);
    }

    [Fact]
    public async Task Registers_a_captioner_pool_that_shares_one_generator_per_model()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Fleet:Models:Catalog"] = TestPaths.CatalogFile,
                ["Fleet:Models:AllowDownload"] = "false",
                ["Fleet:Inference:Device"] = "cpu",
                ["Fleet:Inference:BatchSize"] = "8",
                ["Fleet:Inference:Captioner"] = CaptionFixture.TinyModel,
            })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddFleetInference().BuildServiceProvider();

        var pool = services.GetRequiredService<CaptionerPool>();
        var generator = await pool.GetAsync();

        Assert.Same(generator, await pool.GetAsync(CaptionFixture.TinyModel));
        Assert.Equal((CaptionFixture.TinyModel, 8), (generator.ModelName, generator.BatchSize));
        Assert.Equal(ExecutionProviders.Cpu, generator.ExecutionProvider);
        await Assert.ThrowsAsync<ArgumentException>(() => pool.GetAsync("mobilenetv2-12-int8"));
    }
}
