using System.Net;
using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

/// <summary>
/// A manifest whose lines name hosts that are down (a refused loopback port, a server answering 503) on a real cluster
/// with Azurite: those lines are the items' fault, error rows naming the host, and the job ends; its real photos are labeled.
/// </summary>
public sealed class ForeignHostEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Budget = 3;
    private const int Attempts = 3;

    [Fact]
    public async Task Lines_to_a_refused_port_and_a_503_server_become_error_rows_within_the_budget_and_the_job_succeeds()
    {
        using var busy = new LoopbackHttpServer(c => c.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable);
        var refusedPort = LoopbackHttpServer.RefusedPort();
        var photos = Directory.GetFiles(SamplePhotos.Folder(16)).Order(StringComparer.Ordinal).Select(f => new Uri(f).AbsoluteUri).ToList();
        var refused = Enumerable.Range(0, 40).Select(i => $"http://127.0.0.1:{refusedPort}/dead-{i:D2}.jpg").ToList();
        var unavailable = Enumerable.Range(0, 60).Select(i => busy.Url($"busy-{i:D2}.jpg")).ToList();
        // Interleaved, so every shard holds photos and lines to both dead hosts.
        var lines = photos.Concat(refused).Concat(unavailable).OrderBy(l => l.GetHashCode(StringComparison.Ordinal)).ToList();
        var manifest = Path.Combine(TestPaths.NewTempFolder("manifest"), "mixed.txt");
        await File.WriteAllLinesAsync(manifest, lines);
        var output = TestPaths.NewTempFolder("out");
        using var abandoned = new FleetCounter("fleet.shards.abandoned");
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 1, new Dictionary<string, string?>
        {
            ["Fleet:Intake:AllowLoopback"] = "true",
            [$"{StorageResilienceOptions.SectionName}:BaseDelay"] = "00:00:00.010",
            [$"{StorageResilienceOptions.SectionName}:MaxRetryAttempts"] = (Attempts - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{StorageResilienceOptions.SectionName}:ForeignHostFailureBudget"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        await cluster.SubmitAsync("dead-hosts", new JobSpec { Dataset = manifest, Output = output, ShardSize = 16, TopK = 1, MaxFailedFraction = 0.95 });
        var status = await cluster.WaitAsync("dead-hosts", TimeSpan.FromSeconds(90));

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((116L, 16L, 100L), (status.ImagesTotal, status.ImagesSucceeded, status.ImagesFailed));
        var audit = await RowAudit.ReadAsync(new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create()).Create(output), "dead-hosts");
        audit.AssertExactlyOnce(lines);
        Assert.Equal(photos.Order(StringComparer.Ordinal), audit.Labeled.Select(r => r.Uri).Order(StringComparer.Ordinal));
        // No shard went back as if storage were down: each ran once.
        Assert.Equal(0, abandoned.Total);

        var errors = audit.Errors.ToDictionary(r => r.Uri, r => r.Error!);
        Assert.All(refused, uri => Assert.StartsWith($"read: http://127.0.0.1:{refusedPort} is unavailable", errors[uri]));
        Assert.All(unavailable, uri => Assert.StartsWith($"read: http://127.0.0.1:{busy.Port} is unavailable", errors[uri]));
        Assert.Contains(unavailable, uri => errors[uri].Contains("503", StringComparison.Ordinal));
        // The budget: once a host failed Budget items in a row, the rest fail without a request. At most the items already
        // in flight (1 silo x capacity 2 x 8 parallel reads) get their retries too.
        const int inFlight = 2 * 8;
        Assert.True(busy.Requests <= (Budget + inFlight) * Attempts, $"{busy.Requests} requests reached the 503 server");
        Assert.Contains(refused, uri => errors[uri].Contains("skipped without reading", StringComparison.Ordinal));
        Assert.True(unavailable.Count(uri => errors[uri].Contains("skipped without reading", StringComparison.Ordinal)) >= unavailable.Count - Budget - inFlight);
    }
}
