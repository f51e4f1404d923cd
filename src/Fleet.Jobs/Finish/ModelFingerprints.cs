using Fleet.Contracts;
using Fleet.Models;

namespace Fleet.Jobs.Finish;

/// <summary>Which models (file sha256 from the catalog) and settings produced a job's rows, for _SUCCESS.json.</summary>
public static class ModelFingerprints
{
    public static IReadOnlyDictionary<string, ModelFingerprint> Of(JobSpec spec, ModelCatalog catalog)
    {
        var fingerprints = new Dictionary<string, ModelFingerprint>
        {
            ["classifier"] = new(spec.Classifier, catalog.Get(spec.Classifier).Sha256, new Dictionary<string, string> { ["topK"] = spec.TopK.ToString() }),
        };
        if (spec.Captioner is { } captioner)
        {
            var c = spec.Caption;
            fingerprints["captioner"] = new(captioner, catalog.Get(captioner).Sha256, new Dictionary<string, string>
            {
                ["promptLabels"] = c.PromptLabels.ToString(),
                ["maxNewTokens"] = c.MaxNewTokens.ToString(),
                ["decoding"] = c.Greedy ? "greedy" : $"sample(temperature={c.Temperature}, topK={c.TopK}, topP={c.TopP}, seed={c.Seed})",
            });
        }
        return fingerprints;
    }
}
