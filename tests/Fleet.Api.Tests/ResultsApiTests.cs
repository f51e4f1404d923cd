using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>A real job's rows through the API: paging by cursor, filters, bounds, thumbnails, the page and its signed link.</summary>
public sealed class ResultsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task Rows_page_by_cursor_data_before_errors_filter_by_label_and_thumbnails_and_the_signed_link_open_only_that_job()
    {
        // An API that may read the test folders and the mirror, as the silo may.
        var factory = api.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Intake:LocalRoots:0", TestPaths.TempRoot);
            web.UseSetting("Fleet:Intake:LocalRoots:1", TestPaths.DataMirror);
        });
        HttpClient Client(string principal)
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, ApiFixture.Team[principal].Key);
            return client;
        }
        var alice = Client("alice");
        var photos = TestPaths.NewTempFolder("results-photos");
        foreach (var photo in Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(5))
            File.Copy(photo, Path.Combine(photos, Path.GetFileName(photo)));
        await File.WriteAllBytesAsync(Path.Combine(photos, "broken.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);
        var output = TestPaths.NewTempFolder("results-out");
        var submit = await alice.PostAsJsonAsync("/jobs", new { jobId = "gallery", dataset = photos, output, captions = false, shardSize = 2, maxFailedFraction = 0.5 });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>("alice~gallery"), TimeSpan.FromMinutes(2));
        Assert.Equal((5L, 1L), (final.ImagesSucceeded, final.ImagesFailed));

        // Two rows a page: six rows exactly once, the error row last.
        var rows = new List<JobRow>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var rowsPage = (await alice.GetFromJsonAsync<JobRowsPage>($"/jobs/gallery/rows?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Json))!;
            Assert.True(rowsPage.Rows.Count <= 2);
            rows.AddRange(rowsPage.Rows);
            cursor = rowsPage.Next;
        }
        while (cursor is not null && ++pages < 20);
        Assert.Equal(6, rows.Count);
        Assert.Equal(6, rows.Select(r => r.Uri).Distinct().Count());
        Assert.Null(rows[0].Error);
        Assert.EndsWith("broken.jpg", rows[^1].Uri);
        Assert.StartsWith("decode:", rows[^1].Error);
        Assert.All(rows.Take(5), r => Assert.True(r.Label is not null && r.Score > 0));

        // Filters: a label (its rows only, no errors), a score over every row (none), errors only.
        var label = rows[0].Label!;
        var labeled = (await alice.GetFromJsonAsync<JobRowsPage>($"/jobs/gallery/rows?label={Uri.EscapeDataString(label.ToUpperInvariant())}", Json))!;
        Assert.Equal(rows.Count(r => r.Label == label), labeled.Rows.Count);
        Assert.All(labeled.Rows, r => Assert.Equal(label, r.Label));
        Assert.Empty((await alice.GetFromJsonAsync<JobRowsPage>("/jobs/gallery/rows?minScore=1", Json))!.Rows);
        Assert.Equal(["broken.jpg"], (await alice.GetFromJsonAsync<JobRowsPage>("/jobs/gallery/rows?errors=true", Json))!.Rows.Select(r => Path.GetFileName(r.Uri)));

        // Bounds name themselves; another owner learns nothing.
        var tooMany = await alice.GetAsync("/jobs/gallery/rows?limit=5000");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("between 1 and 1000", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.GetAsync("/jobs/gallery/rows?cursor=not-a-cursor")).StatusCode);
        var bob = Client("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync("/jobs/alice~gallery/rows")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/jobs/alice~gallery/thumbnail?row={rows[0].Ref}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync("/jobs/alice~gallery/page-link", null)).StatusCode);

        // A thumbnail is a small JPEG of the row's own photo.
        var thumbnail = await alice.GetAsync($"/jobs/gallery/thumbnail?row={rows[0].Ref}");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        var jpeg = await thumbnail.Content.ReadAsByteArrayAsync();
        Assert.True(jpeg.Length is > 1000 and < 100_000 && jpeg[0] == 0xFF && jpeg[1] == 0xD8);

        // The signed link: the page sets a cookie for this job's routes only, which reads rows but nothing else.
        var link = (await (await alice.PostAsync("/jobs/gallery/page-link", null)).Content.ReadFromJsonAsync<ResultsPageLink>(Json))!;
        Assert.StartsWith("/jobs/gallery/page?link=", link.Path);
        var browser = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/jobs/gallery/page")).StatusCode);
        var page = await browser.GetAsync(link.Path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/jobs/gallery/", cookie, StringComparison.OrdinalIgnoreCase);
        var token = cookie[(cookie.IndexOf('=') + 1)..cookie.IndexOf(';')];
        using var rowsByCookie = new HttpRequestMessage(HttpMethod.Get, "/jobs/gallery/rows?limit=1");
        rowsByCookie.Headers.Add("Cookie", $"fleet-results={token}");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(rowsByCookie)).StatusCode);
        using var statusByCookie = new HttpRequestMessage(HttpMethod.Get, "/jobs/gallery");
        statusByCookie.Headers.Add("Cookie", $"fleet-results={token}");
        var statusResponse = await browser.SendAsync(statusByCookie);
        Assert.True(statusResponse.StatusCode == HttpStatusCode.Unauthorized, $"{statusResponse.StatusCode}: {await statusResponse.Content.ReadAsStringAsync()}");
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/jobs/gallery/rows");
        forged.Headers.Add("Cookie", $"fleet-results={token[..^2]}AA");
        // A client of its own: the browser's cookie jar would send the genuine cookie beside the forged one.
        var stranger = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SendAsync(forged)).StatusCode);
    }
}
