using Fleet.Inference.Captioning.Grounding;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// A word trigram language model of Flickr8k's human captions (interpolated absolute discounting, D = 0.75), the
/// yardstick of fluency that is not our caption model: perplexity of a caption set against it, next to the perplexity of
/// Flickr8k's own held-out test captions. Both sides are reduced to sentence shape first: every content noun and label
/// word becomes X (runs of X one X), so "a black dog is running through the grass" and "a X is running" compare as
/// sentences, not as vocabularies.
/// </summary>
internal sealed class CaptionFluencyModel
{
    private const double Discount = 0.75;
    private const string Start = "<s>";
    private const string End = "</s>";

    private readonly Dictionary<string, int> _unigrams = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _bigrams = [];
    private readonly Dictionary<(string, string, string), int> _trigrams = [];
    private readonly Dictionary<string, (int Count, int Types)> _bigramContexts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), (int Count, int Types)> _trigramContexts = [];
    private readonly CaptionLexicon _lexicon;
    private readonly long _tokens;

    public CaptionFluencyModel(CaptionLexicon lexicon, IEnumerable<string> captions)
    {
        _lexicon = lexicon;
        foreach (var caption in captions)
        {
            var w = Shape(caption, []);
            for (var i = 2; i < w.Count; i++)
            {
                Count(_unigrams, w[i]);
                _tokens++;
                if (_bigrams.TryAdd((w[i - 1], w[i]), 0))
                {
                    Bump(_bigramContexts, w[i - 1], newType: true);
                }
                else
                {
                    Bump(_bigramContexts, w[i - 1], newType: false);
                }

                _bigrams[(w[i - 1], w[i])]++;
                var context = (w[i - 2], w[i - 1]);
                var isNew = _trigrams.TryAdd((w[i - 2], w[i - 1], w[i]), 0);
                _trigramContexts[context] = _trigramContexts.TryGetValue(context, out var c) ? (c.Count + 1, c.Types + (isNew ? 1 : 0)) : (1, 1);
                _trigrams[(w[i - 2], w[i - 1], w[i])]++;
            }
        }
    }

    /// <summary>Flickr8k's captions of the images listed in <paramref name="split"/> (e.g. Flickr_8k.testImages.txt).</summary>
    public static IReadOnlyList<string> FlickrCaptions(string folder, string split)
    {
        var images = File.ReadLines(Path.Combine(folder, split)).Select(l => l.Trim()).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);
        return [.. File.ReadLines(Path.Combine(folder, "Flickr8k.token.txt"))
            .Select(line => line.Split('\t', 2))
            .Where(parts => parts.Length == 2 && images.Contains(parts[0].Split('#')[0]))
            .Select(parts => parts[1])];
    }

    /// <summary>Perplexity per word (sentence end included) of <paramref name="captions"/>, each with the label phrases to turn into X.</summary>
    public double Perplexity(IEnumerable<(string Caption, IReadOnlyList<string> Labels)> captions)
    {
        var logSum = 0.0;
        var count = 0;
        foreach (var (caption, labels) in captions)
        {
            var w = Shape(caption, labels);
            for (var i = 2; i < w.Count; i++)
            {
                logSum += Math.Log(Probability(w[i - 2], w[i - 1], w[i]));
                count++;
            }
        }

        return Math.Exp(-logSum / count);
    }

    private double Probability(string a, string b, string word)
    {
        // Add-one unigram (the vocabulary plus one unknown), then the bigram and trigram interpolated over it.
        var unigram = (_unigrams.GetValueOrDefault(word) + 1.0) / (_tokens + _unigrams.Count + 1);
        var bigram = unigram;
        if (_bigramContexts.TryGetValue(b, out var bc))
        {
            bigram = (Math.Max(_bigrams.GetValueOrDefault((b, word)) - Discount, 0) / bc.Count) + (Discount * bc.Types / bc.Count * unigram);
        }

        if (!_trigramContexts.TryGetValue((a, b), out var tc))
        {
            return bigram;
        }

        return (Math.Max(_trigrams.GetValueOrDefault((a, b, word)) - Discount, 0) / tc.Count) + (Discount * tc.Types / tc.Count * bigram);
    }

    private List<string> Shape(string caption, IReadOnlyList<string> labels)
    {
        var text = " " + string.Join(' ', LabelWording.Words(caption)) + " ";
        foreach (var label in labels.Select(l => string.Join(' ', LabelWording.Words(l))).Where(l => l.Length > 0).OrderByDescending(l => l.Length))
        {
            text = text.Replace(" " + label + " ", " X ", StringComparison.Ordinal);
        }

        var words = new List<string> { Start, Start };
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = word == "X" || _lexicon.IsContent(word) ? "X" : word;
            if (!(token == "X" && words[^1] == "X"))
            {
                words.Add(token);
            }
        }

        words.Add(End);
        return words;
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void Bump(Dictionary<string, (int Count, int Types)> contexts, string key, bool newType) =>
        contexts[key] = contexts.TryGetValue(key, out var c) ? (c.Count + 1, c.Types + (newType ? 1 : 0)) : (1, 1);
}
