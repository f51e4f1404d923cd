using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>A silo that may read loopback http (the test's own photo server), beside the usual local roots.</summary>
public sealed class LoopbackApiFixture() : ApiFixture(new Dictionary<string, string?> { ["Fleet:Intake:AllowLoopback"] = "true" });

/// <summary>
/// The results page's thumbnails read each photo through its endpoint's own pipeline: a foreign host that is down is a 422
/// for its photos only, and never opens the breaker that the job's other rows and photos are read through.
/// </summary>
public sealed class ForeignHostThumbnailApiTests(LoopbackApiFixture api) : IClassFixture<LoopbackApiFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task A_photo_servers_outage_is_a_422_for_its_thumbnails_and_never_stops_the_thumbnails_of_local_photos()
    {
        var photos = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(3).ToList();
        var served = await File.ReadAllBytesAsync(photos[0]);
        var down = false;
        using var server = new LoopbackHttpServer(context =>
        {
            if (Volatile.Read(ref down))
            {
                context.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
                return;
            }
            context.Response.ContentType = "image/jpeg";
            context.Response.OutputStream.Write(served);
        });
        var manifest = Path.Combine(TestPaths.NewTempFolder("foreign-thumbnails"), "photos.txt");
        await File.WriteAllLinesAsync(manifest, photos.Skip(1).Select(p => new Uri(p).AbsoluteUri).Append(server.Url("served.jpg")));
        // A breaker far touchier than the default (5 failed calls open it) and retries in milliseconds: had the API one
        // pipeline for everything, the server's failures below would open it for the local photos too.
        await using var factory = api.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Intake:AllowLoopback", "true");
            web.UseSetting("Fleet:Intake:LocalRoots:0", TestPaths.TempRoot);
            web.UseSetting("Fleet:Intake:LocalRoots:1", TestPaths.DataMirror);
            web.UseSetting($"{StorageResilienceOptions.SectionName}:BaseDelay", "00:00:00.001");
            web.UseSetting($"{StorageResilienceOptions.SectionName}:MaxRetryAttempts", "1");
            web.UseSetting($"{StorageResilienceOptions.SectionName}:CircuitMinimumThroughput", "5");
            web.UseSetting($"{StorageResilienceOptions.SectionName}:CircuitBreakDuration", "00:01:00");
        });
        var alice = factory.CreateClient();
        alice.DefaultRequestHeaders.Add(ApiKeyHeader.Name, ApiFixture.Team["alice"].Key);
        var submit = await alice.PostAsJsonAsync("/jobs", new { jobId = "foreign-thumbnails", dataset = manifest, output = TestPaths.NewTempFolder("foreign-thumbnails-out"), captions = false });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>("alice~foreign-thumbnails"), TimeSpan.FromMinutes(2));
        Assert.Equal((JobState.Succeeded, 3L), (final.State, final.ImagesSucceeded));
        var rows = (await alice.GetFromJsonAsync<JobRowsPage>("/jobs/foreign-thumbnails/rows", Json))!.Rows;
        var remote = Assert.Single(rows, r => r.Uri.StartsWith("http://", StringComparison.Ordinal));
        var local = rows.Where(r => r.Uri.StartsWith("file://", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, local.Count);

        Volatile.Write(ref down, true);
        var before = server.Requests;
        for (var i = 0; i < 6; i++)
        {
            var failed = await alice.GetAsync($"/jobs/foreign-thumbnails/thumbnail?row={remote.Ref}");
            var body = await failed.Content.ReadAsStringAsync();
            Assert.True(failed.StatusCode == HttpStatusCode.UnprocessableEntity, $"{failed.StatusCode}: {body}");
            Assert.Contains($"http://127.0.0.1:{server.Port} is unavailable after 2 attempts", body);
        }
        // Every attempt reached the server: a foreign host has no circuit to open.
        Assert.Equal(before + 6 * 2, server.Requests);

        foreach (var row in local)
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/jobs/foreign-thumbnails/thumbnail?row={row.Ref}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs/foreign-thumbnails/rows")).StatusCode);
        // Back up: its photo is shown at once, not after a break.
        Volatile.Write(ref down, false);
        var back = await alice.GetAsync($"/jobs/foreign-thumbnails/thumbnail?row={remote.Ref}");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("image/jpeg", back.Content.Headers.ContentType?.MediaType);
    }
}
