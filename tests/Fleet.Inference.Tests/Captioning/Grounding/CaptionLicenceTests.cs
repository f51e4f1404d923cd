using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Captioning.Grounding;

/// <summary>What a label licenses: itself, its WordNet synonyms and its broad kinds, nothing else.</summary>
[Collection(CaptionCollection.Name)]
public sealed class CaptionLicenceTests(CaptionFixture fixture)
{
    private CaptionLexicon Lexicon => fixture.Tiny.Lexicon!;

    [Fact]
    public void A_breed_licenses_its_kinds_and_not_another_animal()
    {
        var licence = new CaptionLicence(ImageNetEvidence.Of(("Sealyham Terrier", 0.92f)), Lexicon);

        Assert.Contains("Sealyham Terrier", licence.Phrases);
        Assert.True(licence.LicensesWord("terrier"));
        Assert.True(licence.LicensesWord("dog"));
        Assert.False(licence.LicensesWord("cat"));
        Assert.False(licence.LicensesWord("woman"));
    }

    [Fact]
    public void Synonyms_come_from_wordnet_and_a_phrase_does_not_license_its_content_words_alone()
    {
        // American dipper is WordNet's "water ouzel, dipper": the phrase, not "water".
        var licence = new CaptionLicence(ImageNetEvidence.Of(("American dipper", 1f)), Lexicon);

        Assert.Contains("water ouzel", licence.Phrases);
        Assert.True(licence.LicensesWord("dipper"));
        Assert.True(licence.LicensesWord("bird"));
        Assert.False(licence.LicensesWord("water"));
    }

    [Fact]
    public void An_attribute_inside_a_licensed_phrase_is_licensed_alone()
    {
        var licence = new CaptionLicence(ImageNetEvidence.Of(("black swan", 1f)), Lexicon);

        Assert.Contains("black", (IReadOnlySet<string>)Lexicon.Attributes);
        Assert.True(licence.LicensesWord("black"));
        Assert.False(licence.LicensesWord("white"));
    }

    [Fact]
    public void A_label_the_lexicon_does_not_know_licenses_only_itself()
    {
        var licence = new CaptionLicence([new Fleet.Inference.Classification.Prediction("widget", 7, 0.9f)], Lexicon);

        Assert.Equal(["widget"], licence.Phrases);
    }
}
