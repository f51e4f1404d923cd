namespace Fleet.Models;

/// <summary>The values of a catalog entry's <c>kind</c>. Strings, not an enum, so an older build still reads a catalog that names a newer kind.</summary>
public static class ModelKinds
{
    public const string Classifier = "classifier";
    public const string Labels = "labels";
    public const string CausalLm = "causal-lm";

    /// <summary>The grounding rule's word lists a causal-lm entry names (<c>lexicon</c>): tools/caption-lm/lexicon.py, docs/captions.md.</summary>
    public const string CaptionLexicon = "caption-lexicon";

    /// <summary>The <c>defaults</c> key of the classifier a silo picks for "auto" when its CUDA provider runs it (the GPU-resident model).</summary>
    public const string CudaClassifier = "classifier-cuda";
}
