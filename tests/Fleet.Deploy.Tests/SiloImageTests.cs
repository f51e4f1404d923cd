using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Deploy.Tests;

/// <summary>
/// The silo image's Dockerfile pins each model it copies by the sha256 models/catalog.json lists (the silo checks it
/// again at start, so a stale pin is a deployment that never gets ready), and a captioner it copies comes with the
/// lexicon its catalog entry names (the grounded decoder cannot start without it).
/// </summary>
public sealed partial class SiloImageTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Fleet.Silo", "Dockerfile"));

    private static readonly JsonArray Models =
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "models", "catalog.json")))!["models"]!.AsArray();

    [GeneratedRegex(@"echo ""(?<sha>[0-9a-f]{64})  /app/models/(?<dir>[^/""]+)/(?<file>[^""]+)"" \| sha256sum -c -")]
    private static partial Regex ShaPin();

    private static JsonNode Entry(string name) =>
        Models.Single(m => (string?)m!["name"] == name) ?? throw new Xunit.Sdk.XunitException($"catalog: no {name}");

    [Fact]
    public void Every_model_the_image_pins_has_the_catalogs_sha256()
    {
        var pins = ShaPin().Matches(Dockerfile);
        Assert.NotEmpty(pins);
        foreach (Match pin in pins)
        {
            var entry = Entry(pin.Groups["dir"].Value);
            Assert.Equal((string?)entry["file"], pin.Groups["file"].Value);
            Assert.True((string?)entry["sha256"] == pin.Groups["sha"].Value,
                $"Dockerfile pins {pin.Groups["dir"].Value} at {pin.Groups["sha"].Value}, the catalog says {entry["sha256"]}");
        }
    }

    [Fact]
    public void A_captioner_in_the_image_comes_with_its_lexicon()
    {
        var pinned = ShaPin().Matches(Dockerfile).Select(m => m.Groups["dir"].Value).ToHashSet();
        var captioners = pinned.Where(name => (string?)Entry(name)["kind"] == "causal-lm").ToList();
        Assert.NotEmpty(captioners);
        foreach (var captioner in captioners)
        {
            var lexicon = (string?)Entry(captioner)["lexicon"];
            Assert.False(string.IsNullOrEmpty(lexicon), $"catalog: {captioner} names no lexicon");
            Assert.Contains(lexicon!, pinned);
        }
    }
}
