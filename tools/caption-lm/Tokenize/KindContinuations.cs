namespace Fleet.Tools.CaptionLm.Tokenize;

/// <summary>
/// What a grounded caption may say after naming a class, by kind: verb phrases that name nothing a label would have to
/// license (every word is checked against the lexicon when the corpus is built). They give the model a way to go on
/// for the classes Flickr8k never shows (fish, tools, food, buildings), where the old templates placed a hand, a
/// table or a woman. {scene} stands for a co-present scene label ("on the seashore").
/// </summary>
internal static class KindContinuations
{
    private static readonly string[] s_any =
    [
        "is shown up close", "is seen from the side", "is shown here", "is seen from above", "is in the middle of the picture",
        "is in focus", "is seen in the foreground", "is seen from the front", "is seen from below",
    ];

    private static readonly string[] s_animal =
    [
        "is looking straight ahead", "looks up", "is resting", "is lying down", "is standing still", "is walking", "is sitting",
        "is looking to the side", "is sleeping", "is eating", "is looking around", "is waiting", "turns around",
    ];

    private static readonly Dictionary<string, string[]> s_byKind = new(StringComparer.Ordinal)
    {
        ["dog"] = ["is running", "is playing", "is sitting and looking up", "is lying down", "jumps up", "is waiting patiently", "is running and jumping", "is standing and looking ahead", "is panting", "is sniffing around"],
        ["cat"] = ["is lying down", "is sitting", "is sleeping", "is looking up", "is resting", "is stretching", "is curled up"],
        ["bird"] = ["is perched", "is flying", "is standing still", "is looking around", "is sitting quietly", "is walking", "is singing", "is resting", "is perched and looking around", "takes off"],
        ["fish"] = ["is swimming", "swims along", "is swimming near the bottom", "is being held up", "is resting", "is shown from the side", "swims by"],
        ["reptile"] = ["is crawling", "is resting", "is lying still", "is sitting", "is looking up", "is moving along", "is crawling along"],
        ["amphibian"] = ["is sitting still", "is resting", "is crawling", "is jumping", "is looking up"],
        ["insect"] = ["is crawling", "is resting", "is sitting still", "is walking", "is hanging", "is crawling along"],
        ["spider"] = ["is crawling", "is resting", "is sitting still", "is hanging", "is waiting"],
        ["sea creature"] = ["is resting", "is lying still", "is crawling along", "is moving along"],
        ["primate"] = ["is sitting", "is climbing", "is eating", "is looking around", "is hanging", "is resting"],
        ["mammal"] = ["is standing", "is walking", "is resting", "is lying down", "is running", "is eating", "is looking straight ahead"],
        ["person"] = ["is posing", "is smiling", "is standing", "is looking ahead", "is waiting"],
        ["food"] = ["is ready to eat", "is served", "is freshly made", "is cut open", "is ready to be served"],
        ["plant"] = ["is shown up close", "is seen from above", "stands out"],
        ["boat"] = ["is sailing", "is floating", "is docked", "is moving along", "is tied up"],
        ["aircraft"] = ["is flying", "is taking off", "is parked", "is flying high"],
        ["vehicle"] = ["is parked", "is driving", "is moving", "is waiting", "is on display", "is moving fast", "is stopped"],
        ["instrument"] = ["is being played", "is resting", "is ready to be played", "is on display"],
        ["clothing"] = ["is being worn", "is hanging", "is folded", "is on display", "is laid out"],
        ["building"] = ["stands", "is seen from the front", "is open", "is lit up", "is seen from the side", "stands alone"],
        ["landscape"] = ["stretches into the distance", "is seen from above", "lies ahead", "is seen in the distance"],
        ["object"] = ["is sitting", "is on display", "is resting", "is ready to use", "is being used", "is in use", "is standing", "lies still"],
    };

    private static readonly string[] s_scene = ["on the {scene}", "near the {scene}", "by the {scene}", "beside the {scene}"];

    private static readonly HashSet<string> s_animals = ["dog", "cat", "bird", "fish", "reptile", "amphibian", "insect", "spider", "sea creature", "primate", "mammal"];

    // What may follow a verb phrase: where in the picture, or how. Each is free of content words.
    private static readonly string[] s_tails =
    [
        "in this picture", "in this photo", "in the photo", "up close", "in the foreground", "in the middle of the picture",
        "here", "right here", "in the background", "on its own", "alone", "again", "quietly", "carefully", "closely",
    ];

    private static readonly string[] s_mannerTails = ["quietly", "alone", "again", "happily", "carefully", "on its own"];

    /// <summary>
    /// One continuation for a class of <paramref name="kind"/>: a verb phrase of its kind (or one that suits anything
    /// pictured), sometimes two joined by "and", sometimes a tail, and always at least <paramref name="minWords"/> words
    /// after the opening's <paramref name="openingWords"/>.
    /// </summary>
    public static string Compose(string kind, Random random, int openingWords, int minWords)
    {
        var own = s_byKind.GetValueOrDefault(kind, s_byKind["object"]);
        string[] doing = [.. own, .. s_animals.Contains(kind) ? s_animal : []];
        var pictured = random.NextDouble() < 0.3;
        var phrase = pictured ? s_any[random.Next(s_any.Length)] : doing[random.Next(doing.Length)];
        var second = doing[random.Next(doing.Length)];
        // Two things it does ("is resting and looking around"), never two ways it is pictured.
        if (!pictured && random.NextDouble() < 0.25 && phrase.StartsWith("is ", StringComparison.Ordinal) && second.StartsWith("is ", StringComparison.Ordinal)
            && second != phrase && phrase.Split(' ').Length <= 3)
        {
            phrase += " and " + second[3..];
        }

        var tail = random.NextDouble();
        if (!pictured && tail < 0.35)
        {
            phrase += " " + s_tails[random.Next(s_tails.Length)];
        }
        else if (!pictured && tail < 0.45)
        {
            phrase += " " + s_mannerTails[random.Next(s_mannerTails.Length)];
        }

        return Lengthen(phrase, random, openingWords, minWords);
    }

    /// <summary><paramref name="continuation"/> with a tail when the caption would have fewer than <paramref name="minWords"/> words.</summary>
    public static string Lengthen(string continuation, Random random, int openingWords, int minWords)
    {
        var tails = s_tails.Where(t => !continuation.Contains(t, StringComparison.Ordinal)).ToArray();
        while (openingWords + continuation.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < minWords)
        {
            continuation += " " + tails[random.Next(tails.Length)];
        }

        return continuation;
    }

    public static string Scene(Random random, string scene) => s_scene[random.Next(s_scene.Length)].Replace("{scene}", scene, StringComparison.Ordinal);
}
