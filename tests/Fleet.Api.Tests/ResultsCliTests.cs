using System.Globalization;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>`fleet results` against the served API: the label and min-score filters, --head, and --open's signed link.</summary>
[Collection(ServedResultsJob.Collection)]
public sealed class ResultsCliTests(ServedResultsJob job)
{
    [Fact]
    public async Task Results_filters_by_label_and_min_score_through_the_rows_API_and_open_prints_a_link_a_browser_can_use_without_a_key()
    {
        var data = job.DataRows.ToList();
        var label = data[0].Label!;
        var labeled = await RowsAsync("results", ServedResultsJob.JobId, "--label", label.ToUpperInvariant(), "--head", "100");
        Assert.Equal(data.Where(r => r.Label == label).Select(r => r.Uri).Order(), labeled.Select(r => r.Uri).Order());
        Assert.All(labeled, r => Assert.Equal(label, r.Label));

        var scores = data.Select(r => r.Score!.Value).Order().ToList();
        var minScore = MathF.Floor(scores[scores.Count / 2] * 100) / 100;
        var scored = await RowsAsync("results", ServedResultsJob.JobId, "--min-score", minScore.ToString(CultureInfo.InvariantCulture), "--head", "100");
        Assert.Equal(data.Where(r => r.Score >= minScore).Select(r => r.Uri).Order(), scored.Select(r => r.Uri).Order());
        Assert.InRange(scored.Count, 1, data.Count - 1);
        // --head stops after that many rows; a score of 0 keeps every data row and no error row.
        Assert.Equal(data.Take(3).Select(r => r.Uri), (await RowsAsync("results", ServedResultsJob.JobId, "--min-score", "0", "--head", "3")).Select(r => r.Uri));
        Assert.Equal(data.Count, (await RowsAsync("results", ServedResultsJob.JobId, "--min-score", "0", "--head", "1000")).Count);

        var outOfRange = await CliAsync("results", ServedResultsJob.JobId, "--min-score", "2");
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("minScore must be between 0 and 1", outOfRange.StandardError);

        // --open: one line, the link on this API; it opens the page with no key, and CI=true opened no browser.
        var open = await CliAsync("results", ServedResultsJob.JobId, "--open");
        Assert.Equal(0, open.ExitCode);
        var link = Assert.Single(open.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{job.Url}/jobs/{ServedResultsJob.JobId}/page?link=", link);
        Assert.Contains("do not share it", open.StandardError);
        using var browser = new HttpClient();
        var page = await browser.GetAsync(link);
        Assert.True(page.IsSuccessStatusCode, $"{page.StatusCode}");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var unknown = await CliAsync("results", "no-such-job", "--open");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("404", unknown.StandardError);
    }

    private async Task<List<JobRow>> RowsAsync(params string[] args)
    {
        var result = await CliAsync(args);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<JobRow>(line, ServedResultsJob.Json)!)
            .ToList();
    }

    private Task<FleetCli.Result> CliAsync(params string[] args) => FleetCli.RunAsync(TestPaths.RepoRoot,
        new Dictionary<string, string> { ["FLEET_API"] = job.Url, ["FLEET_API_KEY"] = job.OwnerKey, ["CI"] = "true" }, args);
}
