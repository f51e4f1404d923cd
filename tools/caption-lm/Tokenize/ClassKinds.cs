using Fleet.Inference.Captioning.Grounding;

namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// What kind of thing each ImageNet class is, read from the phrases its label licenses (its WordNet hypernyms: a
/// Sealyham Terrier licenses "dog"), and the reverse: which classes license a caption word ("dog" -> 118 breeds,
/// "shore" -> seashore, lakeshore). Kinds pick the training continuations that suit a class (fish swim, cars park).
/// </summary>
internal sealed class ClassKinds
{
    // First match wins: the licence phrase that puts a class in a kind, and the word a caption may call it by.
    private static readonly (string Kind, string[] Phrases)[] s_kinds =
    [
        ("dog", ["dog"]), ("cat", ["domestic cat"]), ("bird", ["bird"]), ("fish", ["fish"]),
        ("reptile", ["reptile", "reptilian"]), ("amphibian", ["amphibian"]), ("spider", ["arachnid"]), ("insect", ["insect"]),
        ("sea creature", ["crustacean", "mollusk", "invertebrate"]), ("primate", ["primate"]), ("mammal", ["mammal"]),
        ("person", ["person"]), ("food", ["food", "foodstuff", "dish", "edible fruit", "vegetable", "fruit"]),
        ("plant", ["fungus", "plant", "flower"]), ("boat", ["vessel", "boat", "ship"]), ("aircraft", ["aircraft", "craft"]),
        ("vehicle", ["vehicle", "conveyance"]), ("instrument", ["musical instrument"]),
        ("clothing", ["clothing", "garment", "footwear", "headdress", "covering"]),
        ("landscape", ["geological formation", "natural elevation", "shore"]), ("building", ["building", "structure"]),
    ];

    // The broad word a caption may use for a class of the kind, when its label licenses it ("a kind of bird").
    private static readonly string[] s_kindWords = ["dog", "cat", "bird", "fish", "snake", "lizard", "turtle", "frog", "spider", "insect",
        "beetle", "butterfly", "crab", "monkey", "ape", "bear", "fox", "wolf", "shark", "whale", "boat", "car", "truck", "fruit", "mushroom",
        "flower", "musical instrument", "building", "mountain", "hat", "shoe", "dress", "ship", "aircraft", "vehicle", "clock", "chair", "table"];

    private readonly Dictionary<string, List<int>> _byWord = new(StringComparer.Ordinal);

    public ClassKinds(CaptionLexicon lexicon)
    {
        Lexicon = lexicon;
        Classes = [.. Enumerable.Range(0, lexicon.ClassCount).Select(lexicon.Class)];
        Kind = new string[Classes.Count];
        KindWord = new string?[Classes.Count];
        for (var id = 0; id < Classes.Count; id++)
        {
            var licenses = Classes[id].Licenses.Select(l => l.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            Kind[id] = s_kinds.FirstOrDefault(k => k.Phrases.Any(licenses.Contains)).Kind ?? "object";
            KindWord[id] = s_kindWords.FirstOrDefault(w => licenses.Contains(w) && !string.Equals(w, Classes[id].Spoken, StringComparison.OrdinalIgnoreCase));
            foreach (var phrase in licenses.Where(p => !p.Contains(' ', StringComparison.Ordinal)))
            {
                (_byWord.TryGetValue(phrase, out var list) ? list : _byWord[phrase] = []).Add(id);
            }
        }
    }

    public CaptionLexicon Lexicon { get; }

    public IReadOnlyList<LexiconClass> Classes { get; }

    public string[] Kind { get; }

    public string?[] KindWord { get; }

    /// <summary>The classes whose label licenses the single word <paramref name="word"/> (empty when none does).</summary>
    public IReadOnlyList<int> Licensing(string word) => _byWord.TryGetValue(word, out var ids) ? ids : [];

    public IEnumerable<int> OfKind(string kind) => Enumerable.Range(0, Classes.Count).Where(id => Kind[id] == kind);
}
