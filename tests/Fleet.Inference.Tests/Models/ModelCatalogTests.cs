using Fleet.Models;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Models;

public sealed class ModelCatalogTests
{
    [Fact]
    public void Repo_catalog_describes_the_default_classifier_and_its_labels()
    {
        var catalog = ModelCatalog.Load(TestPaths.CatalogFile);

        var classifier = catalog.GetDefault(ModelKinds.Classifier);
        Assert.Equal("mobilenetv2-12-int8", classifier.Name);
        Assert.Equal("mobilenetv2-12-int8.onnx", classifier.File);
        Assert.Equal(3655033, classifier.Size);
        Assert.Equal("cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f", classifier.Sha256);
        Assert.Equal(("input", "output", "logits"), (classifier.Input, classifier.Output, classifier.OutputKind));
        Assert.Equal(0.683, classifier.PublishedTop1);

        var spec = classifier.Preprocessing!;
        Assert.Equal((256, 224, 255f), (spec.ResizeShorterSide, spec.CropSize, spec.Scale));
        Assert.Equal([0.485f, 0.456f, 0.406f], spec.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], spec.Std);
        Assert.False(spec.IsBgr);

        var labels = catalog.GetLabelsFor(classifier);
        Assert.Equal(ModelKinds.Labels, labels.Kind);
        Assert.Equal("imagenet-simple-labels.json", labels.File);
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "models"), catalog.CatalogDirectory);
    }

    [Fact]
    public void Unknown_model_names_the_known_ones()
    {
        var catalog = ModelCatalog.Load(TestPaths.CatalogFile);

        var ex = Assert.Throws<KeyNotFoundException>(() => catalog.Get("resnet-9000"));

        Assert.Contains("'resnet-9000'", ex.Message);
        Assert.Contains("imagenet-labels, mobilenetv2-12-float, mobilenetv2-12-float-rgb8, mobilenetv2-12-int8", ex.Message);
    }

    [Fact]
    public void Embedded_copy_matches_the_repo_file()
    {
        using var embedded = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ModelCatalog.EmbeddedResourceName);
        Assert.NotNull(embedded);
        using var reader = new StreamReader(embedded);

        Assert.Equal(File.ReadAllText(TestPaths.CatalogFile), reader.ReadToEnd());
    }

    [Fact]
    public void Default_catalog_is_found_above_the_test_binaries()
    {
        var catalog = ModelCatalog.LoadDefault();

        Assert.Equal(TestPaths.CatalogFile, catalog.Source);
    }

    [Fact]
    public void Invalid_entries_are_reported_together()
    {
        const string Json = """
            {
              "defaults": { "classifier": "missing" },
              "models": [
                { "name": "a", "kind": "classifier", "file": "../a.onnx", "sha256": "abc", "size": 1,
                  "input": "input", "output": "output", "outputKind": "logits", "labels": "nope" }
              ]
            }
            """;

        var ex = Assert.Throws<InvalidDataException>(() => ModelCatalog.Parse(Json));

        Assert.Contains("sha256 must be 64 hex digits", ex.Message);
        Assert.Contains("file must be a bare file name", ex.Message);
        Assert.Contains("labels must name a labels entry", ex.Message);
        Assert.Contains("a classifier needs preprocessing", ex.Message);
        Assert.Contains("default classifier 'missing'", ex.Message);
    }

    [Fact]
    public void Repo_catalog_describes_the_caption_models()
    {
        var catalog = ModelCatalog.Load(TestPaths.CatalogFile);

        var captioner = catalog.GetDefault(ModelKinds.CausalLm);
        Assert.Equal("fleet-caption-gpt2-small", captioner.Name);
        Assert.Equal("labels: {labels}. caption:", captioner.PromptTemplate);
        Assert.Equal((4, 4, 128, 50257, 50256), (captioner.Decoder!.Layers, captioner.Decoder.Heads, captioner.Decoder.Embedding, captioner.Decoder.Vocabulary, captioner.Decoder.EndOfText));
        Assert.True(captioner.Size < 30_000_000, "the caption model stays under 30 MB");
        Assert.Equal(
            ["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            catalog.Get("fleet-caption-gpt2-tiny-random").Decoder!.InputNames());
        Assert.Equal(["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"], catalog.Get("fleet-caption-gpt2-tiny-random").Decoder!.OutputNames());

        var gpt2 = catalog.Get("gpt2");
        Assert.Equal("https://huggingface.co/openai-community/gpt2", gpt2.ConvertedFrom);
        Assert.Equal((12, 12, 768), (gpt2.Decoder!.Layers, gpt2.Decoder.Heads, gpt2.Decoder.Embedding));
    }

    [Fact]
    public void A_causal_lm_needs_a_decoder_and_a_prompt_template()
    {
        const string json = """
            { "models": [ { "name": "lm", "kind": "causal-lm", "file": "lm.onnx", "size": 1,
                            "sha256": "0000000000000000000000000000000000000000000000000000000000000000" } ] }
            """;

        var ex = Assert.Throws<InvalidDataException>(() => ModelCatalog.Parse(json));

        Assert.Contains("promptTemplate", ex.Message);
        Assert.Contains("needs a decoder", ex.Message);
    }

    [Fact]
    public async Task Committed_models_match_their_catalog_entries()
    {
        var catalog = ModelCatalog.Load(TestPaths.CatalogFile);
        using var cache = new TempDirectory();
        var resolver = new ModelResolver(new ModelResolverOptions { RepositoryModelsDirectory = catalog.CatalogDirectory, CacheDirectory = cache.Path, AllowDownload = false });

        foreach (var name in new[] { "fleet-caption-gpt2-small", "fleet-caption-gpt2-tiny-random", "mobilenetv2-12-float" })
        {
            Assert.StartsWith(Path.Combine(TestPaths.RepositoryRoot, "models", name), await resolver.ResolveAsync(catalog.Get(name)));
        }
    }
}
