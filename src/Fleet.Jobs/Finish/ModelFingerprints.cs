using Fleet.Contracts;
using Fleet.Models;

namespace Fleet.Jobs.Finish;

/// <summary>Which models (file sha256 from the catalog) and settings produced a job's rows, for _SUCCESS.json.</summary>
public static class ModelFingerprints
{
    /// <param name="spec">The job.</param>
    /// <param name="ran">The classifiers that committed its shards: "auto" names the one that ran (several on a mixed fleet).</param>
    /// <param name="catalog">Where the sha256 of each model comes from.</param>
    public static IReadOnlyDictionary<string, ModelFingerprint> Of(JobSpec spec, IReadOnlyList<ClassifierRun> ran, ModelCatalog catalog)
    {
        var classifiers = ran.Select(r => r.Classifier).Distinct(StringComparer.Ordinal).ToList();
        var classifier = classifiers.Count == 1 ? classifiers[0] : spec.Classifier;
        var settings = new Dictionary<string, string> { ["topK"] = spec.TopK.ToString() };
        if (spec.Classifier == JobSpec.AutoClassifier)
            settings["requested"] = JobSpec.AutoClassifier;
        var fingerprints = new Dictionary<string, ModelFingerprint>
        {
            ["classifier"] = new(classifier, Sha256(catalog, classifier), settings),
        };
        if (spec.Captioner is { } captioner)
        {
            var c = spec.Caption;
            var model = catalog.Get(captioner);
            var captionSettings = new Dictionary<string, string>
            {
                ["promptLabels"] = c.PromptLabels.ToString(),
                ["maxNewTokens"] = c.MaxNewTokens.ToString(),
                ["decoding"] = c.Greedy ? "greedy" : $"sample(temperature={c.Temperature}, topK={c.TopK}, topP={c.TopP}, seed={c.Seed}, per image)",
            };
            // Grounded captions: the lexicon that licensed their words and the evidence threshold (docs/captions.md).
            if (catalog.GetLexiconFor(model) is { } lexicon)
            {
                captionSettings["lexicon"] = $"{lexicon.Name} sha256:{lexicon.Sha256}";
                captionSettings["minLabelScore"] = c.MinLabelScore.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            fingerprints["captioner"] = new(captioner, model.Sha256, captionSettings);
        }
        return fingerprints;
    }

    /// <summary>Each classifier/provider pair that committed shards, with its model's sha256: which ran where.</summary>
    public static IReadOnlyList<ClassifierRunManifest> Runs(IReadOnlyList<ClassifierRun> ran, ModelCatalog catalog) =>
        ran.Select(r => new ClassifierRunManifest(r.Classifier, Sha256(catalog, r.Classifier), r.Provider)).ToList();

    /// <summary>The catalog's sha256 of <paramref name="name"/>; null for a name it does not know ("auto" on a job whose shards ran different models).</summary>
    private static string? Sha256(ModelCatalog catalog, string name) => catalog.TryGet(name, out var entry) ? entry.Sha256 : null;
}
