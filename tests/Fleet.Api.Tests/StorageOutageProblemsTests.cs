using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Azure;
using Fleet.Api.Jobs;
using Fleet.Contracts;
using Fleet.Development;
using Fleet.Storage.Resilience;
using Fleet.Testing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Fleet.Api.Tests;

/// <summary>The handler alone: which exceptions are an outage, and the 503 it writes for them.</summary>
public sealed class StorageOutageProblemsTests
{
    private const string Secret = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
    private const string BlobUri = $"http://127.0.0.1:10000/devstoreaccount1/photos/cat.jpg?sv=2024-11-04&{Secret}";

    public static TheoryData<string> Outages => new() { "unavailable", "circuit", "timeout", "refused", "503", "aggregate" };

    public static TheoryData<string> NotOutages => new() { "404", "403", "foreign-host", "io", "socket", "http", "cancelled", "bad-request", "other" };

    private static Exception Make(string name) => name switch
    {
        "unavailable" => new StorageUnavailableException($"reading {BlobUri}: connection refused", new RequestFailedException(0, $"GET {BlobUri} refused")),
        "circuit" => new BrokenCircuitException($"the circuit is open for {BlobUri}"),
        "timeout" => new TimeoutRejectedException("the attempt timed out"),
        "refused" => new RequestFailedException(0, $"Connection refused ({BlobUri})"),
        "503" => new RequestFailedException(503, $"Service Unavailable: {BlobUri}"),
        // What the Azure SDK throws once its own retries are spent.
        "aggregate" => new AggregateException($"Retry failed after 4 tries ({BlobUri})", new RequestFailedException(0, "Connection refused")),
        "404" => new RequestFailedException(404, "The specified blob does not exist.", "BlobNotFound", null),
        "403" => new RequestFailedException(403, "Server failed to authenticate the request.", "AuthenticationFailed", null),
        "foreign-host" => new ForeignHostUnavailableException("http://photos.example", "http://photos.example is unavailable after 4 attempts", new HttpRequestException("503")),
        // A bare IO, socket or HTTP error says nothing about the fleet's storage (a local file, a photo's own host).
        "io" => new IOException("'/data/photos' is a folder, not a file"),
        "socket" => new SocketException((int)SocketError.ConnectionRefused),
        "http" => new HttpRequestException("connection refused"),
        "cancelled" => new OperationCanceledException(),
        "bad-request" => new BadHttpRequestException("unreadable", StatusCodes.Status400BadRequest),
        _ => new InvalidOperationException("a bug, not an outage"),
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task An_outage_is_a_503_with_Retry_After_and_a_body_that_names_no_uri_account_or_sas(string name)
    {
        var (handled, http, body) = await HandleAsync(Make(name));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("30", http.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(StorageOutageProblems.Title, problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("retry", problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        foreach (var leak in new[] { "127.0.0.1", ":10000", "devstoreaccount1", "photos", "cat.jpg", "sig=", "sv=", Secret, "Connection refused" })
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(NotOutages))]
    public async Task Anything_but_an_outage_is_left_to_the_other_handlers(string name)
    {
        var (handled, http, body) = await HandleAsync(Make(name));

        Assert.False(handled);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.False(http.Response.Headers.ContainsKey("Retry-After"));
        Assert.Empty(body);
    }

    [Fact]
    public void The_thumbnails_422s_stay_422s_and_only_an_outage_leaves_its_catch()
    {
        // The thumbnail endpoint keeps its 422 for what it caught before, unless IsStorageOutage: those reach the handler.
        Assert.False(StorageOutageProblems.IsStorageOutage(Make("404")));
        Assert.False(StorageOutageProblems.IsStorageOutage(Make("foreign-host")));
        Assert.False(StorageOutageProblems.IsStorageOutage(Make("io")));
        Assert.False(StorageOutageProblems.IsStorageOutage(new InvalidDataException("not an image")));
        Assert.False(StorageOutageProblems.IsStorageOutage(new UnauthorizedAccessException("denied")));
        Assert.True(StorageOutageProblems.IsStorageOutage(Make("503")));
        Assert.True(StorageOutageProblems.IsStorageOutage(Make("refused")));
    }

    private static async Task<(bool Handled, HttpContext Http, string Body)> HandleAsync(Exception exception)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddProblemDetails();
        builder.AddFleetStorageOutageProblems();
        await using var services = builder.Services.BuildServiceProvider();
        var handler = Assert.Single(services.GetServices<IExceptionHandler>());
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "GET";
        http.Request.Path = "/jobs/nightly/rows";
        using var body = new MemoryStream();
        http.Response.Body = body;
        var handled = await handler.TryHandleAsync(http, exception, CancellationToken.None);
        return (handled, http, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}

/// <summary>A silo whose storage calls give up fast, so a job whose output is unreachable fails quickly and quietly.</summary>
public sealed class StorageOutageApiFixture() : ApiFixture(new Dictionary<string, string?>
{
    [$"{StorageResilienceOptions.SectionName}:BaseDelay"] = "00:00:00.001",
    [$"{StorageResilienceOptions.SectionName}:MaxRetryAttempts"] = "1",
});

/// <summary>The real API with its storage account on a loopback port nothing listens on: the fleet's storage is down.</summary>
public sealed class StorageOutageApiTests(StorageOutageApiFixture api) : IClassFixture<StorageOutageApiFixture>
{
    [Fact]
    public async Task A_jobs_rows_while_storage_is_unreachable_are_a_503_with_Retry_After_naming_no_account()
    {
        var closed = FreePorts.Take(1)[0];
        var endpoint = $"http://127.0.0.1:{closed}/{AzuriteInstance.AccountName}";
        await using var factory = api.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Storage:ConnectionString",
                $"DefaultEndpointsProtocol=http;AccountName={AzuriteInstance.AccountName};AccountKey={AzuriteInstance.AccountKey};BlobEndpoint={endpoint};TableEndpoint={endpoint};");
            web.UseSetting($"{StorageResilienceOptions.SectionName}:BaseDelay", "00:00:00.001");
            web.UseSetting($"{StorageResilienceOptions.SectionName}:MaxRetryAttempts", "1");
        });
        var alice = factory.CreateClient();
        alice.DefaultRequestHeaders.Add(ApiKeyHeader.Name, ApiFixture.Team["alice"].Key);
        var photo = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First();
        var manifest = Path.Combine(TestPaths.NewTempFolder("storage-outage"), "photos.txt");
        await File.WriteAllLinesAsync(manifest, [new Uri(photo).AbsoluteUri]);
        // Its output is in the API's own account, the one that is down.
        var submit = await alice.PostAsJsonAsync("/jobs", new { jobId = "storage-outage", dataset = manifest, output = $"{endpoint}/outage-out/run", captions = false });
        Assert.True(submit.StatusCode == HttpStatusCode.Accepted, $"{submit.StatusCode}: {await submit.Content.ReadAsStringAsync()}");

        var rows = await alice.GetAsync("/jobs/storage-outage/rows");
        var body = await rows.Content.ReadAsStringAsync();

        Assert.True(rows.StatusCode == HttpStatusCode.ServiceUnavailable, $"{rows.StatusCode}: {body}");
        Assert.Equal(TimeSpan.FromSeconds(StorageOutageProblems.RetryAfterSeconds), rows.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", rows.Content.Headers.ContentType?.MediaType);
        Assert.Contains(StorageOutageProblems.Title, body, StringComparison.Ordinal);
        foreach (var leak in new[] { "127.0.0.1", $":{closed}", AzuriteInstance.AccountName, "outage-out", AzuriteInstance.AccountKey })
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
        // The job itself is still there to ask about: only reading its output needs storage.
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs/storage-outage")).StatusCode);
    }
}
