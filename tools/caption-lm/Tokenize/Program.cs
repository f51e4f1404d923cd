using System.Globalization;
using System.Text;
using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Tools.CaptionLm.Tokenize;

// Writes GPT-2 token ids for the caption-model trainer: one line per example, "<prompt ids><TAB><caption ids + EOS>",
// per split, plus a readable .txt of the same examples. Every caption is grounded (docs/captions.md): Flickr8k captions
// reduced to what a label would license (FlickrReduction), and for every class continuations of its kind
// (KindContinuations), each behind the opening the generator forces for its scores (GroundedCorpus).
// Usage: caption-lm-tokenize <flickr8k-captions dir> <caption-lexicon.json> <out dir>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: caption-lm-tokenize <flickr8k-captions dir> <caption-lexicon.json> <out dir>");
    return 2;
}

var (dataDirectory, lexiconPath, outDirectory) = (args[0], args[1], args[2]);
Directory.CreateDirectory(outDirectory);
var kinds = new ClassKinds(CaptionLexicon.Load(lexiconPath));
var tokenizer = CaptionTokenizer.Gpt2;
var reduction = new FlickrReduction(kinds);

var captionsByImage = File.ReadLines(Path.Combine(dataDirectory, "Flickr8k.token.txt"))
    .Select(line => line.Split('\t', 2))
    .Where(parts => parts.Length == 2)
    .GroupBy(parts => parts[0].Split('#')[0], parts => parts[1])
    .ToDictionary(group => group.Key, group => group.ToList());

var splits = new[] { ("train", "Flickr_8k.trainImages.txt", 1), ("dev", "Flickr_8k.devImages.txt", 2), ("test", "Flickr_8k.testImages.txt", 3) };
foreach (var (split, imagesFile, seed) in splits)
{
    var random = new Random(seed);
    var corpus = new GroundedCorpus(kinds, CaptionPrompt.DefaultTemplate);
    var ids = new StringBuilder();
    var text = new StringBuilder();
    var (flickr, reduced, templated) = (0, 0, 0);

    bool Append((string Prompt, string Target)? example)
    {
        if (example is not { } e)
        {
            return false;
        }

        var promptIds = tokenizer.Encode(e.Prompt);
        var targetIds = tokenizer.Encode(" " + e.Target).Append(CaptionTokenizer.Gpt2EndOfText);
        ids.Append(string.Join(' ', promptIds)).Append('\t').Append(string.Join(' ', targetIds)).Append('\n');
        text.Append(e.Prompt).Append(' ').Append(e.Target).Append('\n');
        return true;
    }

    foreach (var image in File.ReadLines(Path.Combine(dataDirectory, imagesFile)).Select(l => l.Trim()).Where(l => l.Length > 0))
    {
        foreach (var caption in captionsByImage.GetValueOrDefault(image) ?? [])
        {
            flickr++;
            if (reduction.Reduce(caption, random) is { } r && Append(corpus.Example(r.SubjectClass, string.Join(' ', r.Continuation), r.Mentions, random)))
            {
                reduced++;
            }
        }
    }

    if (split == "train")
    {
        var scenes = kinds.OfKind("landscape").ToArray();
        for (var id = 0; id < kinds.Classes.Count; id++)
        {
            for (var n = 0; n < ExamplesPerClass; n++)
            {
                // The opening is 2-3 words ("A tench", "An American dipper"); the corpus lengthens again after it is drawn.
                var continuation = KindContinuations.Compose(kinds.Kind[id], random, openingWords: 2, GroundingRule.MinCaptionWords);
                IReadOnlyList<IReadOnlyList<int>> mentions = [];
                // A fifth of them beside a scene label that is evidence too: "A canoe is floating near the lakeshore."
                if (kinds.Kind[id] != "landscape" && random.NextDouble() < 0.2)
                {
                    var scene = scenes[random.Next(scenes.Length)];
                    continuation += " " + KindContinuations.Scene(random, kinds.Classes[scene].Spoken);
                    mentions = [[scene]];
                }

                if (Append(corpus.Example(id, continuation, mentions, random)))
                {
                    templated++;
                }
            }
        }
    }

    File.WriteAllText(Path.Combine(outDirectory, split + ".ids.tsv"), ids.ToString());
    File.WriteAllText(Path.Combine(outDirectory, split + ".txt"), text.ToString());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{split}: {reduced} of {flickr} Flickr8k captions reduced to grounded ones, {templated} continuations by kind; rejected: {string.Join(", ", corpus.Rejected.OrderByDescending(r => r.Value).Take(8).Select(r => $"{r.Key} {r.Value}"))}"));
}

return 0;

internal static partial class Program
{
    // 14,000 of the train split's 18,408 examples: the reduced Flickr8k captions alone are mostly dogs.
    private const int ExamplesPerClass = 14;
}
