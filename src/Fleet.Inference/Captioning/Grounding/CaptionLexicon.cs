using System.Collections.Frozen;
using System.Text.Json;

namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// The word lists of the grounding rule (docs/captions.md), read from the catalog's caption-lexicon file
/// (models/caption-lexicon, built from WordNet 3.0 by tools/caption-lm/lexicon.py):
/// <list type="bullet">
/// <item><see cref="Free"/>: words any caption may use (function words, verbs, adverbs, picture and position nouns).</item>
/// <item><see cref="Attributes"/>: colours, counts, materials, ages and gendered pronouns: only inside a licensed phrase.</item>
/// <item><see cref="IsContent"/>: the nouns that name a person, animal, object, material or place: only when licensed.</item>
/// <item>Per ImageNet class, the phrases its label licenses: the label, its WordNet synonyms and its hypernyms.</item>
/// </list>
/// Immutable and thread-safe; load once per process.
/// </summary>
public sealed class CaptionLexicon
{
    private readonly FrozenSet<string> _content;
    private readonly IReadOnlyList<LexiconClass> _classes;

    private CaptionLexicon(LexiconDocument document, string source)
    {
        if (document.Free is not { Count: > 0 } || document.Content is not { Count: > 0 } || document.Classes is null)
        {
            throw new InvalidDataException($"Caption lexicon {source} needs free, content and classes lists.");
        }

        Version = document.Version;
        Free = document.Free.Select(w => w.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);
        Attributes = (document.Attributes ?? []).Select(w => w.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);
        _content = document.Content.Select(w => w.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);
        _classes = document.Classes;
        for (var i = 0; i < _classes.Count; i++)
        {
            if (_classes[i].ClassId != i)
            {
                throw new InvalidDataException($"Caption lexicon {source}: class {i} is listed as {_classes[i].ClassId}; classes must be in class-id order.");
            }
        }
    }

    public int Version { get; }

    public FrozenSet<string> Free { get; }

    public FrozenSet<string> Attributes { get; }

    public int ClassCount => _classes.Count;

    public static CaptionLexicon Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    public static CaptionLexicon Parse(Stream json, string source)
    {
        try
        {
            var document = JsonSerializer.Deserialize<LexiconDocument>(json, s_json)
                ?? throw new InvalidDataException($"Caption lexicon {source} is empty.");
            return new CaptionLexicon(document, source);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Caption lexicon {source} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>A word (lower case, any form) that names a person, animal, object, material or place.</summary>
    public bool IsContent(string word) => _content.Contains(word);

    /// <summary>The class <paramref name="classId"/> (0 to <see cref="ClassCount"/> - 1).</summary>
    public LexiconClass Class(int classId) => _classes[classId];

    /// <summary>
    /// The class <paramref name="classId"/> when this lexicon describes it under <paramref name="label"/>; null for a
    /// classifier with other classes (its labels then license only themselves).
    /// </summary>
    public LexiconClass? ClassFor(int classId, string label) =>
        classId >= 0 && classId < _classes.Count && string.Equals(_classes[classId].Label, label, StringComparison.Ordinal)
            ? _classes[classId]
            : null;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private sealed record LexiconDocument(
        int Version,
        List<string>? Free,
        List<string>? Attributes,
        List<string>? Content,
        List<LexiconClass>? Classes);
}
