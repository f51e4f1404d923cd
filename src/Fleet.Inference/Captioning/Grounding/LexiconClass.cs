namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// One classifier class in the lexicon: its label, how a caption says it (<c>Spoken</c>: "crane (bird)" -> "crane";
/// <c>Article</c>: "a", "an" or "" for a plural or pair noun such as "jeans") and the phrases its label licenses.
/// </summary>
public sealed record LexiconClass(int ClassId, string Label, string Spoken, string Article, IReadOnlyList<string> Licenses);
