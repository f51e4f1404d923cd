using System.Text.RegularExpressions;

namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// Derives "label words" for a Flickr8k caption (which has no labels) that look like what the
/// classifier will give at inference: ImageNet class names. A caption word that names an ImageNet
/// class verbatim is used as is; a generic word ("dog", "bird") becomes a random ImageNet class of
/// that kind ("golden retriever"), sometimes with a sibling class, as a top-k list would; a caption
/// with neither falls back to its first common head nouns ("man", "water").
/// </summary>
internal sealed partial class LabelWords
{
    // Generic caption words -> the ImageNet classes (index ranges or names) that a classifier would name.
    private static readonly (string[] Words, int[] Classes)[] s_kinds =
    [
        (["dog", "dogs", "puppy", "puppies"], Range(151, 268)),
        (["cat", "cats", "kitten"], Range(281, 285)),
        (["bird", "birds"], [.. Range(7, 24), .. Range(80, 100), .. Range(127, 146)]),
        (["fish"], [0, 1, 2, 389, 390, 391, 392, 393, 394, 395, 396, 397]),
        (["horse", "horses", "pony"], [339, 603]),
        (["bike", "bikes", "bicycle", "bicycles", "biker", "bicyclist", "cyclist"], [671, 444]),
        (["car", "cars"], [817, 511, 468, 656, 609, 751]),
        (["truck"], [569, 717, 864, 867]),
        (["bus"], [654, 779, 874]),
        (["train"], [466, 547, 565]),
        (["boat", "boats"], [472, 814, 625, 914, 554]),
        (["ball"], [805, 852, 430, 890, 768, 429]),
        (["football"], [768, 560]),
        (["guitar"], [402, 546]),
        (["helmet"], [518, 560]),
        (["bridge"], [821, 839]),
        (["fence"], [489, 716, 912]),
        (["shirt", "t-shirt"], [610, 841]),
        (["glasses"], [837]),
        (["hat"], [515, 808]),
        (["sheep"], [348]),
        (["cow", "cows"], [345, 346, 347]),
        (["beach", "shore", "ocean"], [978]),
        (["lake"], [975]),
        (["mountain", "mountains"], [970, 979]),
        (["snowboard", "snowboarder"], [795, 802]),
        (["skier", "skiing", "skis"], [795]),
        (["swimming", "pool"], [842, 433]),
        (["monkey"], Range(369, 382)),
        (["bear"], Range(294, 297)),
    ];

    // Common subjects and scenes of Flickr8k, used as label words when no ImageNet class fits.
    private static readonly HashSet<string> s_headNouns =
    [
        "man", "men", "woman", "women", "boy", "boys", "girl", "girls", "child", "children", "kid", "kids",
        "people", "person", "baby", "player", "team", "crowd", "couple", "family", "surfer", "skateboarder",
        "climber", "rider", "runner", "water", "grass", "snow", "sand", "street", "field", "park", "road",
        "wave", "rock", "rocks", "tree", "trees", "building", "city", "stage", "frisbee", "skateboard",
        "stick", "toy", "rope", "stairs", "wall", "sidewalk", "jacket", "dress", "camera", "flag",
    ];

    private readonly IReadOnlyList<string> _imageNetLabels;
    private readonly (Regex Pattern, string Label)[] _verbatim;
    private readonly Random _random;

    public LabelWords(IReadOnlyList<string> imageNetLabels, int seed)
    {
        _imageNetLabels = imageNetLabels;
        _random = new Random(seed);
        // Multi-word class names first, so "tennis ball" wins over a generic "ball".
        _verbatim = [.. imageNetLabels
            .Where(label => label.Length > 2)
            .OrderByDescending(label => label.Length)
            .Select(label => (new Regex($@"\b{Regex.Escape(label.ToLowerInvariant())}(s|es)?\b", RegexOptions.CultureInvariant), label))];
    }

    public IReadOnlyList<string> For(string caption)
    {
        var text = caption.ToLowerInvariant();
        var words = WordPattern().Matches(text).Select(m => m.Value).ToList();
        var labels = new List<string>();

        foreach (var (pattern, label) in _verbatim)
        {
            if (labels.Count < 2 && pattern.IsMatch(text) && !labels.Any(l => l.Contains(label, StringComparison.OrdinalIgnoreCase)))
            {
                labels.Add(label);
            }
        }

        foreach (var (kindWords, classes) in s_kinds)
        {
            if (labels.Count >= 3 || !words.Any(kindWords.Contains))
            {
                continue;
            }

            var first = classes[_random.Next(classes.Length)];
            labels.Add(_imageNetLabels[first]);
            // A classifier's top-k often holds a sibling class too.
            if (classes.Length > 1 && _random.NextDouble() < 0.4)
            {
                var second = classes[_random.Next(classes.Length)];
                if (second != first)
                {
                    labels.Add(_imageNetLabels[second]);
                }
            }
        }

        if (labels.Count == 0)
        {
            labels.AddRange(words.Where(s_headNouns.Contains).Distinct().Take(2));
        }

        return labels;
    }

    private static int[] Range(int first, int last) => [.. Enumerable.Range(first, last - first + 1)];

    [GeneratedRegex(@"[a-z][a-z\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
