using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests;

/// <summary>
/// One finished job over real photos (12 of the ImageNet sample, captioned, and one corrupt file) on a real silo and
/// Azurite, and the API served by Kestrel on a loopback port, so a browser and the `fleet` CLI reach it as a user's do.
/// </summary>
public sealed class ServedResultsJob : IAsyncLifetime
{
    /// <summary>The browser and the CLI tests share one job.</summary>
    public const string Collection = "served results job";

    public const string JobId = "results-page";
    public const string Owner = "alice";
    public const string CorruptFile = "broken.jpg";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly ApiFixture _api = new();
    private WebApplicationFactory<ApiAssembly>? _served;

    /// <summary>The API's base address, http://127.0.0.1:PORT (or localhost).</summary>
    public string Url { get; private set; } = "";

    public string OwnerKey => ApiFixture.Team[Owner].Key;

    public JobStatus Final { get; private set; } = null!;

    /// <summary>Every row of the job, read through the rows API with the owner's key: what the page and the CLI should show.</summary>
    public IReadOnlyList<JobRow> Rows { get; private set; } = [];

    public IEnumerable<JobRow> DataRows => Rows.Where(r => r.Error is null);

    /// <summary>A client with the owner's key.</summary>
    public HttpClient Owned()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, OwnerKey);
        return client;
    }

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        _served = _api.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Intake:LocalRoots:0", TestPaths.TempRoot);
            web.UseSetting("Fleet:Intake:LocalRoots:1", TestPaths.DataMirror);
        });
        // A real server on a port the OS picks: chromium and the CLI cannot reach the in-memory test server.
        _served.UseKestrel(0);
        _served.StartServer();
        var address = _served.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1");

        var photos = TestPaths.NewTempFolder("results-page-photos");
        foreach (var photo in Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(12))
            File.Copy(photo, Path.Combine(photos, Path.GetFileName(photo)));
        // A JPEG header and then nothing: the decoder fails, so it is an error row with a reason.
        await File.WriteAllBytesAsync(Path.Combine(photos, CorruptFile), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);
        var output = TestPaths.NewTempFolder("results-page-out");
        using var owner = Owned();
        var submit = await owner.PostAsJsonAsync("/jobs", new { jobId = JobId, dataset = photos, output, shardSize = 4, maxFailedFraction = 0.5 });
        if (submit.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"submit: {submit.StatusCode} {await submit.Content.ReadAsStringAsync()}");
        Final = await FleetSiloFixture.WaitAsync(_api.Silo.Client.GetGrain<IJobGrain>($"{Owner}~{JobId}"), TimeSpan.FromMinutes(3));
        var page = (await owner.GetFromJsonAsync<JobRowsPage>($"/jobs/{JobId}/rows?limit=1000", Json))!;
        Rows = page.Rows;
    }

    public async Task DisposeAsync()
    {
        if (_served is not null)
            await _served.DisposeAsync();
        await _api.DisposeAsync();
    }
}

[CollectionDefinition(ServedResultsJob.Collection)]
public sealed class ServedResultsJobCollection : ICollectionFixture<ServedResultsJob>;
