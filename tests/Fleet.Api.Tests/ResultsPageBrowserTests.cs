using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;
using Xunit.Abstractions;

namespace Fleet.Api.Tests;

/// <summary>
/// The results page in Debian's chromium (puppeteer-core, results-page/check-results-page.mjs) over a real job, reached
/// only through its signed link. Screenshots go to FLEET_RESULTS_SCREENSHOTS when set (tools/results-page-screenshot.sh
/// makes docs/images/results-page.png from one), else to a temp folder.
/// </summary>
[Collection(ServedResultsJob.Collection)]
public sealed class ResultsPageBrowserTests(ServedResultsJob job, ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task Through_its_signed_link_the_page_shows_the_photos_with_labels_the_error_reason_the_counts_and_its_filters_narrow_the_gallery()
    {
        Assert.Equal(13, job.Rows.Count);
        var data = job.DataRows.ToList();
        Assert.Equal(12, data.Count);
        // A label some rows have and others not, and a score between the lowest and the highest: both filters narrow.
        var label = data.GroupBy(r => r.Label).OrderByDescending(g => g.Count()).First(g => g.Count() < data.Count).Key!;
        var scores = data.Select(r => r.Score!.Value).Order().ToList();
        var minScore = MathF.Floor(scores[scores.Count / 2] * 100) / 100;
        var expectedByScore = data.Where(r => r.Score >= minScore).Select(r => FileName(r.Uri)).Order().ToList();
        Assert.InRange(expectedByScore.Count, 1, data.Count - 1);

        using var owner = job.Owned();
        var link = (await (await owner.PostAsync($"/jobs/{ServedResultsJob.JobId}/page-link", null)).Content.ReadFromJsonAsync<ResultsPageLink>(ServedResultsJob.Json))!;
        var report = await CheckPageAsync(job.Url + link.Path, label, minScore.ToString(CultureInfo.InvariantCulture));
        Assert.Null(report.TryGetProperty("error", out var error) ? error.GetString() : null);

        // Signed in by the link alone: no request carried a key, the link left the address bar, the cookie is HttpOnly,
        // and the same page without the link is refused.
        Assert.Empty(report.GetProperty("apiKeyHeaders").EnumerateArray());
        Assert.Equal($"/jobs/{ServedResultsJob.JobId}/page", report.GetProperty("location").GetString());
        Assert.Equal("", report.GetProperty("documentCookie").GetString());
        Assert.Equal(401, report.GetProperty("withoutLink").GetInt32());

        // Every photo, each thumbnail decoded, each with the label and score its row has, and captions.
        var gallery = Cards(report, "gallery");
        Assert.Equal(data.Select(r => FileName(r.Uri)).Order(), gallery.Select(c => c.File).Order());
        Assert.All(gallery, c => Assert.True(c.NaturalWidth > 0, $"{c.File}: its thumbnail did not load"));
        var byFile = data.ToDictionary(r => FileName(r.Uri));
        Assert.All(gallery, c =>
        {
            Assert.Equal(byFile[c.File].Label, c.Label);
            Assert.Equal(byFile[c.File].Score!.Value.ToString("0.000", CultureInfo.InvariantCulture), c.Score);
        });
        Assert.All(gallery, c => Assert.False(string.IsNullOrWhiteSpace(c.Caption), $"{c.File} has no caption"));

        // The corrupt file is an error card with its reason.
        var errorCard = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(ServedResultsJob.CorruptFile, errorCard.GetProperty("file").GetString());
        Assert.StartsWith("decode:", errorCard.GetProperty("reason").GetString());
        Assert.Equal(job.Rows.Single(r => r.Error is not null).Error, errorCard.GetProperty("reason").GetString());

        // The counts and timings of the job.
        var summary = report.GetProperty("summary");
        Assert.Equal("state: Succeeded", summary.GetProperty("state").GetString());
        Assert.Equal("images: 13", summary.GetProperty("images").GetString());
        Assert.Equal($"labeled: {job.Final.ImagesSucceeded}", summary.GetProperty("labeled").GetString());
        Assert.Equal("errors: 1", summary.GetProperty("errors").GetString());
        Assert.Matches(@"^took: \d+ (s|min \d+ s)$", summary.GetProperty("took").GetString());
        Assert.True(summary.TryGetProperty("started", out _) && summary.TryGetProperty("finished", out _));

        // The filters narrow the gallery to exactly the rows that match, and Clear brings every photo back.
        var byLabel = Cards(report, "byLabel");
        Assert.Equal(data.Where(r => r.Label == label).Select(r => FileName(r.Uri)).Order(), byLabel.Select(c => c.File).Order());
        Assert.All(byLabel, c => Assert.Equal(label, c.Label));
        Assert.Equal(0, report.GetProperty("errorsShownWhileFiltered").GetInt32());
        Assert.Equal(expectedByScore, Cards(report, "byMinScore").Select(c => c.File).Order());
        Assert.Equal(data.Count, Cards(report, "afterClear").Count);
    }

    private sealed record Card(string File, string? Label, string? Score, string? Caption, int NaturalWidth);

    private static List<Card> Cards(JsonElement report, string name) => report.GetProperty(name).EnumerateArray()
        .Select(c => new Card(c.GetProperty("file").GetString()!, c.GetProperty("label").GetString(), c.GetProperty("score").GetString(),
            c.GetProperty("caption").GetString(), c.GetProperty("naturalWidth").GetInt32()))
        .ToList();

    private static string FileName(string uri) => Uri.UnescapeDataString(uri[(uri.LastIndexOf('/') + 1)..]);

    private async Task<JsonElement> CheckPageAsync(string link, string label, string minScore)
    {
        var screenshots = Environment.GetEnvironmentVariable("FLEET_RESULTS_SCREENSHOTS") is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : TestPaths.NewTempFolder("results-page-screenshots");
        output.WriteLine($"screenshots in {screenshots}");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await NodeScript.RunAsync(Path.Combine("tests", "Fleet.Api.Tests", "results-page", "check-results-page.mjs"),
            ["--url", link, "--label", label, "--min-score", minScore, "--out", screenshots, "--timeout", "60000", "--chromium", ChromiumFactAttribute.ChromiumPath],
            output, cts.Token);
    }
}
