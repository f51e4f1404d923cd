namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// Label-templated training captions for every ImageNet class. Flickr8k shows people, dogs and
/// scenes; a model trained on it alone writes "a man on a bench" for a goldfish. These short
/// sentences ("A goldfish is swimming in the water.") teach it to name the top label in a setting
/// that fits its kind. The prompt holds the class and, as a classifier's top 2 usually does, a
/// sibling of the same kind. Train split only: dev/test perplexity stays pure Flickr8k.
/// </summary>
internal sealed class ObjectCaptions
{
    private readonly IReadOnlyList<string> _labels;
    private readonly Random _random;
    private readonly List<(int[] Classes, string[] Templates)> _groups = [];

    public ObjectCaptions(IReadOnlyList<string> imageNetLabels, int seed)
    {
        _labels = imageNetLabels;
        _random = new Random(seed);

        Add(Range(0, 6).Concat(Range(389, 397)), Fish);
        Add(Range(7, 24).Concat(Range(80, 100)).Concat(Range(127, 146)), Birds);
        Add(Range(25, 68), Reptiles);
        Add(Range(69, 79).Concat(Range(300, 326)), Insects);
        Add(Range(107, 126).Concat(Range(327, 329)), SeaLife);
        Add(Range(147, 150), SeaMammals);
        Add(Range(151, 268), Dogs);
        Add(Range(281, 285), Cats);
        Add(Range(101, 106).Concat(Range(269, 280)).Concat(Range(286, 299)).Concat(Range(330, 364)).Concat(Range(385, 388)), WildAnimals);
        Add(Range(365, 384), Primates);
        Add(Range(924, 969), Food);
        Add(Range(970, 980), Landscapes);
        Add(Range(981, 983), People);
        Add(Range(984, 998), Plants);

        var objects = Range(398, 923).Concat([999]).Where(i => !s_plainObjects.Contains(_labels[i])).ToHashSet();
        foreach (var (keywords, templates) in s_objectKinds)
        {
            var members = objects.Where(i => keywords.Any(k => HasWord(_labels[i], k))).ToArray();
            objects.ExceptWith(members);
            Add(members, templates);
        }

        Add(objects.Concat(Range(398, 923).Where(i => s_plainObjects.Contains(_labels[i]))).Order(), Objects);
    }

    /// <summary>Every class <paramref name="perClass"/> times: (prompt labels, caption).</summary>
    public IEnumerable<(IReadOnlyList<string> Labels, string Caption)> All(int perClass)
    {
        foreach (var (classes, templates) in _groups)
        {
            foreach (var cls in classes)
            {
                for (var n = 0; n < perClass; n++)
                {
                    var label = _labels[cls];
                    // "crane (bird)" is a prompt label, "crane" the word a caption uses.
                    var spoken = label.Split(" (")[0];
                    var labels = new List<string> { label };
                    // The classifier's top 2 is usually two of a kind; sometimes the second is far off.
                    var sibling = _random.NextDouble() < 0.85 ? classes[_random.Next(classes.Length)] : _random.Next(_labels.Count);
                    if (sibling != cls)
                    {
                        labels.Add(_labels[sibling]);
                    }

                    yield return (labels, Fill(templates[_random.Next(templates.Length)], spoken));
                }
            }
        }
    }

    private static string Fill(string template, string label)
    {
        var article = "aeiouAEIOU".Contains(label[0], StringComparison.Ordinal) ? "an" : "a";
        var text = template.Replace("{a}", article + " " + label, StringComparison.Ordinal).Replace("{l}", label, StringComparison.Ordinal);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private void Add(IEnumerable<int> classes, string[] templates)
    {
        var members = classes.ToArray();
        if (members.Length > 0)
        {
            _groups.Add((members, templates));
        }
    }

    // Whole words, so "car" finds "sports car" but not "cardigan" and "hat" not "thatched roof".
    private static bool HasWord(string label, string word) =>
        System.Text.RegularExpressions.Regex.IsMatch(label, $@"(^|[\s-]){System.Text.RegularExpressions.Regex.Escape(word)}($|[\s-])", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    // Names that hold a kind's word but are none of that kind.
    private static readonly HashSet<string> s_plainObjects = ["car mirror", "car wheel", "lens cap", "bottle cap", "ballpoint pen", "shopping cart", "space bar", "ski mask", "disc brake", "seat belt", "hair dryer", "oil filter"];

    private static IEnumerable<int> Range(int first, int last) => Enumerable.Range(first, last - first + 1);

    private static readonly string[] Fish =
    [
        "{a} is swimming in the water.", "{a} swims near the bottom of a tank.", "A man is holding up a large {l}.",
        "{a} swimming in an aquarium.", "A close up of {a} under the water.", "A fisherman holds {a} he caught.",
    ];

    private static readonly string[] Birds =
    [
        "{a} is perched on a branch.", "{a} is standing in the water.", "{a} is flying over the lake.",
        "{a} sits on the grass.", "A close up of {a} on a tree.", "{a} is walking along the shore.",
    ];

    private static readonly string[] Reptiles =
    [
        "{a} is sitting on a rock.", "{a} is crawling on the ground.", "A close up of {a} in the grass.",
        "{a} rests on a log in the sun.", "{a} is lying in the sand.",
    ];

    private static readonly string[] Insects =
    [
        "{a} is sitting on a leaf.", "A close up of {a} on a flower.", "{a} crawls on the ground.",
        "{a} is resting on a green plant.", "A macro photo of {a}.",
    ];

    private static readonly string[] SeaLife =
    [
        "{a} on the sand.", "{a} is in the water.", "A close up of {a} under the sea.",
        "{a} lies on the rocks by the shore.", "{a} on a plate.",
    ];

    private static readonly string[] SeaMammals =
    [
        "{a} is swimming in the ocean.", "{a} jumps out of the water.", "{a} is resting on the rocks.",
    ];

    private static readonly string[] Dogs =
    [
        "{a} is running through the grass.", "{a} is playing with a ball.", "{a} is sitting on the couch.",
        "{a} is lying in the snow.", "{a} is walking on the beach.", "A close up of {a}.",
        "A man is walking {a} in the park.", "{a} is carrying a stick in its mouth.",
    ];

    private static readonly string[] Cats =
    [
        "{a} is lying on the bed.", "{a} is sitting on the floor.", "{a} is looking out the window.",
        "A close up of {a}.", "{a} is sleeping on a blanket.",
    ];

    private static readonly string[] WildAnimals =
    [
        "{a} is standing in the grass.", "{a} walks through the field.", "{a} is resting in the shade.",
        "{a} is walking in the snow.", "A close up of {a}.", "{a} is standing near a tree.",
    ];

    private static readonly string[] Primates =
    [
        "{a} is sitting in a tree.", "{a} climbs a branch.", "{a} is eating a fruit.", "A close up of {a}.",
    ];

    private static readonly string[] Food =
    [
        "A plate of {l} on a table.", "A bowl of {l}.", "A close up of {l}.", "Some {l} on a wooden table.",
        "A woman is eating some {l}.",
    ];

    private static readonly string[] Landscapes =
    [
        "A view of the {l}.", "A man is standing on the {l}.", "The {l} under a blue sky.",
        "People are walking near the {l}.", "A beautiful {l} in the distance.",
    ];

    private static readonly string[] People =
    [
        "{a} is standing outside.", "{a} poses for a picture.", "{a} is smiling at the camera.",
    ];

    private static readonly string[] Plants =
    [
        "{a} growing in the grass.", "A close up of {a}.", "{a} in the forest.", "{a} in a field.",
    ];

    private static readonly string[] Objects =
    [
        "A close up of {a}.", "A photo of {a}.", "A man is standing next to {a}.", "An old {l} is on display.",
        "A picture of {a}.", "A woman is looking at {a}.",
    ];

    // Kinds of man-made objects by words in their names; the first kind that matches wins.
    private static readonly (string[] Keywords, string[] Templates)[] s_objectKinds =
    [
        (["cup", "mug", "bottle", "glass", "teapot", "pot", "pan", "bowl", "vase", "candle", "lamp", "clock", "watch", "phone", "telephone", "camera", "keyboard", "mouse", "computer", "iPod", "radio", "lighter", "wallet", "purse", "remote control", "shaker", "jug", "pitcher", "goblet", "ladle", "spatula", "spoon", "strainer", "opener", "corkscrew", "toaster", "envelope", "binder", "pen", "sharpener", "eraser", "ruler", "hourglass", "stopwatch", "thimble", "perfume", "lipstick", "lotion", "sunscreen", "padlock", "combination lock", "piggy bank", "loupe", "compass", "syringe", "screwdriver", "hammer", "hatchet", "cleaver", "nail", "screw", "hook", "match", "plate"],
            ["{a} on a table.", "A close up of {a} on a table.", "{a} sitting on a wooden desk.", "A hand holding {a}."]),
        (["car", "truck", "bus", "van", "jeep", "cab", "limousine", "ambulance", "minivan", "convertible", "Model T", "go-kart", "tractor", "forklift", "snowmobile", "snowplow", "moped", "scooter", "bicycle", "bike", "tricycle", "unicycle", "locomotive", "train", "tram", "trolleybus", "fire engine", "harvester", "half-track", "recreational vehicle", "rickshaw", "wagon", "cart"],
            ["{a} is parked on the street.", "{a} is driving down the road.", "A man is standing next to {a}.", "{a} parked in front of a building.", "An old {l} on the road."]),
        (["airliner", "airship", "aircraft", "space shuttle", "missile", "parachute", "balloon"],
            ["{a} in the sky.", "{a} is flying over the city.", "{a} on the ground at the airport."]),
        (["ship", "boat", "canoe", "catamaran", "trimaran", "schooner", "yawl", "gondola", "liner", "aircraft carrier", "submarine", "lifeboat", "dock", "pier", "paddle wheel"],
            ["{a} on the water.", "{a} is sailing on the lake.", "{a} in the harbor.", "People are standing near {a}."]),
        (["church", "castle", "palace", "mosque", "monastery", "library", "store", "shop", "restaurant", "theater", "barn", "greenhouse", "boathouse", "prison", "planetarium", "lighthouse", "tower", "bridge", "viaduct", "dam", "dome", "arch", "obelisk", "megalith", "stupa", "yurt", "tent", "cliff dwelling", "fountain", "totem pole", "bakery", "apiary", "sawmill", "roof", "patio", "mobile home"],
            ["A view of the {l}.", "People are walking in front of the {l}.", "The {l} under a blue sky.", "An old {l} in the city."]),
        (["gown", "coat", "cloak", "shirt", "sweatshirt", "jeans", "suit", "kimono", "dress", "skirt", "bikini", "swimsuit", "tank suit", "pajamas", "apron", "poncho", "sarong", "vestment", "uniform", "cardigan", "fur coat", "abaya", "hat", "cap", "bonnet", "sombrero", "helmet", "tie", "scarf", "sock", "tights", "boot", "shoe", "sandal", "clogs", "mitten", "sunglass", "necklace", "wig", "mask", "bib", "bra", "diaper", "vest"],
            ["A woman is wearing {a}.", "A person wearing {a} is standing outside.", "A girl wearing {a} smiles.", "{a} hanging on a rack."]),
        (["guitar", "piano", "violin", "cello", "harp", "banjo", "drum", "flute", "oboe", "bassoon", "saxophone", "trombone", "horn", "cornet", "accordion", "harmonica", "marimba", "gong", "maraca", "ocarina", "organ", "chime", "pan flute"],
            ["A man is playing {a}.", "A woman plays {a} on stage.", "{a} on a stand.", "A musician is playing {a}."]),
        (["ball", "racket", "barbell", "dumbbell", "balance beam", "parallel bars", "horizontal bar", "puck", "ski", "snorkel", "punching bag", "swing"],
            ["A boy is playing with {a}.", "{a} on the grass.", "A player is holding {a}.", "{a} in a gym."]),
    ];
}
