using System.Diagnostics;
using System.Text.RegularExpressions;
using Fleet.Models;

namespace Fleet.Deploy.Tests;

/// <summary>
/// The silo image holds every model a silo may pick by default (the catalog's classifier-cuda, the CPU classifier, the
/// caption model, and what they name: labels, the caption lexicon), each staged by src/Fleet.Silo/stage-model.sh with
/// the catalog's sha256 (the silo checks it again at start, so a stale pin is a deployment that never gets ready), and
/// never downloads at run time. Read from the Dockerfile and models/catalog.json, so the two cannot drift apart; the
/// staging lines themselves are run here (a mirror copy standing in for each download) and resolved as the silo would.
/// </summary>
public sealed partial class SiloImageTests
{
    private static string Dockerfile => Path.Combine(RepoPaths.Root, "src", "Fleet.Silo", "Dockerfile");

    private static ModelCatalog Catalog => ModelCatalog.Load(Path.Combine(RepoPaths.Root, "models", "catalog.json"));

    /// <summary>Each model the image stages: the Dockerfile's stage-model.sh lines (NAME FILE SHA256 SOURCE).</summary>
    private static List<StagedModel> Staged() =>
        StageLine().Matches(File.ReadAllText(Dockerfile))
            .Select(m => new StagedModel(m.Groups["name"].Value, m.Groups["file"].Value, m.Groups["sha"].Value, m.Groups["source"].Value))
            .ToList();

    /// <summary>What a silo may load without a job naming it: the catalog's defaults and what each names.</summary>
    private static List<ModelEntry> DefaultModels(ModelCatalog catalog) =>
        catalog.Defaults.Values.Distinct().Select(catalog.Get).SelectMany(m => new[] { m }.Concat(Named(catalog, m))).DistinctBy(m => m.Name).ToList();

    /// <summary>What a model cannot run without: a classifier's labels, a caption model's lexicon (the grounded decoder).</summary>
    private static IEnumerable<ModelEntry> Named(ModelCatalog catalog, ModelEntry model)
    {
        if (model.IsKind(ModelKinds.Classifier))
            yield return catalog.GetLabelsFor(model);
        if (model.IsKind(ModelKinds.CausalLm) && catalog.GetLexiconFor(model) is { } lexicon)
            yield return lexicon;
    }

    [Fact]
    public void The_image_stages_every_default_model_and_what_it_names()
    {
        var catalog = Catalog;
        var staged = Staged().ToDictionary(s => s.Name);
        // The three defaults the issue names are all there, so a catalog edit that drops one is noticed too.
        Assert.Contains(ModelKinds.CudaClassifier, catalog.Defaults.Keys);
        Assert.Contains(ModelKinds.Classifier, catalog.Defaults.Keys);
        Assert.Contains(ModelKinds.CausalLm, catalog.Defaults.Keys);

        foreach (var model in DefaultModels(catalog))
            Assert.True(staged.ContainsKey(model.Name), $"the silo image does not stage '{model.Name}', a default of models/catalog.json");
    }

    [Fact]
    public void Every_staged_model_matches_its_catalog_entry_and_comes_from_the_repository_or_its_source_url()
    {
        var catalog = Catalog;
        var staged = Staged();
        Assert.NotEmpty(staged);
        foreach (var model in staged)
        {
            var entry = catalog.Get(model.Name);
            Assert.Equal(entry.File, model.File);
            Assert.Equal(entry.Sha256, model.Sha256);
            var shipped = Path.Combine("models", entry.Name, entry.File);
            if (File.Exists(Path.Combine(RepoPaths.Root, shipped)))
                Assert.Equal(shipped, model.Source);
            else
                // Not in the repository: downloaded at image build from where the catalog says it comes from.
                Assert.True(entry.SourceUrl is { } url && url.StartsWith("https://", StringComparison.Ordinal) && url == model.Source,
                    $"{model.Name}: staged from '{model.Source}', the catalog's source is '{entry.SourceUrl}'");
        }
    }

    [Fact]
    public void Every_model_in_the_image_comes_with_what_it_names()
    {
        var catalog = Catalog;
        var staged = Staged().Select(s => s.Name).ToHashSet();
        var captioners = staged.Select(catalog.Get).Where(m => m.IsKind(ModelKinds.CausalLm)).ToList();
        Assert.NotEmpty(captioners);
        foreach (var captioner in captioners)
            Assert.False(string.IsNullOrEmpty(captioner.Lexicon), $"catalog: {captioner.Name} names no lexicon");
        foreach (var model in staged.Select(catalog.Get))
            foreach (var needed in Named(catalog, model))
                Assert.True(staged.Contains(needed.Name), $"the image stages {model.Name} but not {needed.Name}, which it needs");
    }

    [Fact]
    public void The_image_copies_the_catalog_beside_the_models_and_never_downloads_at_run_time()
    {
        var text = File.ReadAllText(Dockerfile);

        Assert.Contains("cp models/catalog.json /app/models/", text);
        Assert.Matches(@"ENV [^\n]*(\\\n[^\n]*)*Fleet__Models__AllowDownload=false", text);
    }

    [Fact]
    public async Task The_staging_lines_run_and_the_resolver_finds_every_default_offline_in_what_they_staged()
    {
        var folder = Directory.CreateTempSubdirectory("fleet-image-models-").FullName;
        try
        {
            foreach (var model in Staged())
            {
                var run = await StageAsync(folder, model.Name, model.File, model.Sha256, model.Source);
                Assert.True(run.ExitCode == 0, $"{model.Name}: exit {run.ExitCode}\n{run.Output}");
            }

            // The silo's view: the catalog beside the staged files, no cache, no mirror, no download.
            var resolver = new ModelResolver(new ModelResolverOptions
            {
                RepositoryModelsDirectory = folder,
                CacheDirectory = Path.Combine(folder, "no-cache"),
                AllowDownload = false,
            });
            foreach (var model in DefaultModels(Catalog))
                Assert.StartsWith(folder, await resolver.ResolveAsync(model));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_staging_script_refuses_a_file_whose_sha256_is_not_the_catalogs()
    {
        var folder = Directory.CreateTempSubdirectory("fleet-image-models-").FullName;
        try
        {
            var entry = Catalog.Get("mobilenetv2-12-float-rgb8");
            var wrong = new string('0', 64);

            var run = await StageAsync(folder, entry.Name, entry.File, wrong, Path.Combine("models", entry.Name, entry.File));

            Assert.Equal(1, run.ExitCode);
            Assert.Contains(entry.Sha256, run.Output);
            Assert.False(File.Exists(Path.Combine(folder, entry.Name, entry.File)), "a file that failed its check was left in the image");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs stage-model.sh from the repository root (the image build's context), with the shared mirror for downloads.</summary>
    private static async Task<(int ExitCode, string Output)> StageAsync(string dest, string name, string file, string sha256, string source)
    {
        var start = new ProcessStartInfo("sh") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine("src", "Fleet.Silo", "stage-model.sh"), dest, name, file, sha256, source })
            start.ArgumentList.Add(arg);
        // No download in a test: the mirror laid out like the cache (<name>/<file>) stands in for each source URL.
        start.Environment["FLEET_MODEL_MIRROR"] = Environment.GetEnvironmentVariable("FLEET_MODEL_MIRROR") is { Length: > 0 } mirror
            ? mirror
            : Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "models"));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed record StagedModel(string Name, string File, string Sha256, string Source);

    // `$stage /app/models NAME FILE SHA256 SOURCE` in the Dockerfile's staging RUN.
    [GeneratedRegex(@"\$stage /app/models (?<name>\S+) (?<file>\S+) (?<sha>[0-9a-f]{64}) (?<source>[^\s\\]+)")]
    private static partial Regex StageLine();
}
