using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Inference.Captioning;
using Fleet.Tools.CaptionLm.Tokenize;

// Writes GPT-2 token ids for the caption-model trainer: one line per caption,
// "<prompt ids><TAB><caption ids + EOS>", per split, plus a readable .txt of the same examples.
// Usage: caption-lm-tokenize <flickr8k-captions dir> <imagenet-simple-labels.json> <out dir>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: caption-lm-tokenize <flickr8k-captions dir> <imagenet-simple-labels.json> <out dir>");
    return 2;
}

var (dataDirectory, labelsPath, outDirectory) = (args[0], args[1], args[2]);
Directory.CreateDirectory(outDirectory);
var imageNetLabels = JsonSerializer.Deserialize<string[]>(File.ReadAllText(labelsPath)) ?? [];
var tokenizer = CaptionTokenizer.Gpt2;

var captionsByImage = File.ReadLines(Path.Combine(dataDirectory, "Flickr8k.token.txt"))
    .Select(line => line.Split('\t', 2))
    .Where(parts => parts.Length == 2)
    .GroupBy(parts => parts[0].Split('#')[0], parts => parts[1])
    .ToDictionary(group => group.Key, group => group.ToList());

var splits = new[] { ("train", "Flickr_8k.trainImages.txt", 1), ("dev", "Flickr_8k.devImages.txt", 2), ("test", "Flickr_8k.testImages.txt", 3) };
foreach (var (split, imagesFile, seed) in splits)
{
    var labelWords = new LabelWords(imageNetLabels, seed);
    var ids = new StringBuilder();
    var text = new StringBuilder();
    var count = 0;

    void Append(string prompt, string target)
    {
        var promptIds = tokenizer.Encode(prompt);
        var targetIds = tokenizer.Encode(" " + target).Append(CaptionTokenizer.Gpt2EndOfText);
        ids.Append(string.Join(' ', promptIds)).Append('\t').Append(string.Join(' ', targetIds)).Append('\n');
        text.Append(prompt).Append(' ').Append(target).Append('\n');
        count++;
    }
    foreach (var image in File.ReadLines(Path.Combine(dataDirectory, imagesFile)).Select(l => l.Trim()).Where(l => l.Length > 0))
    {
        if (!captionsByImage.TryGetValue(image, out var captions))
        {
            continue;
        }

        foreach (var caption in captions)
        {
            var target = CaptionTarget.Clean(caption);
            if (target.Length == 0)
            {
                continue;
            }

            Append(CaptionPrompt.Format(CaptionPrompt.DefaultTemplate, labelWords.For(caption)), target);
        }
    }

    if (split == "train")
    {
        var flickr = count;
        foreach (var (labels, caption) in new ObjectCaptions(imageNetLabels, seed).All(ObjectCaptionsPerClass))
        {
            Append(CaptionPrompt.Format(CaptionPrompt.DefaultTemplate, labels), caption);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train: {count - flickr} label-templated captions ({ObjectCaptionsPerClass} per ImageNet class)"));
    }

    File.WriteAllText(Path.Combine(outDirectory, split + ".ids.tsv"), ids.ToString());
    File.WriteAllText(Path.Combine(outDirectory, split + ".txt"), text.ToString());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{split}: {count} captions"));
}

File.WriteAllText(Path.Combine(outDirectory, "prompt.json"), JsonSerializer.Serialize(new { template = CaptionPrompt.DefaultTemplate, eos = CaptionTokenizer.Gpt2EndOfText }));
return 0;

internal static partial class Program
{
    // About a third of the train split next to Flickr8k's 30,000 captions.
    private const int ObjectCaptionsPerClass = 12;
}
