using System.Net;
using Azure;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

/// <summary>
/// A pipeline per endpoint: a foreign host's failures are retried in full and come out as the item's fault; the fleet
/// account's breaker, and what counts as an outage, are the fleet account's alone.
/// </summary>
public sealed class StoragePipelinesTests
{
    private static readonly Uri FleetAccount = new("http://127.0.0.1:10000/devstoreaccount1");

    private static readonly StorageResilienceOptions Options = new()
    {
        BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 2, CircuitMinimumThroughput = 5, CircuitBreakDuration = TimeSpan.FromSeconds(30),
    };

    private static ValueTask<int> Down(CancellationToken _) => throw new RequestFailedException(503, "down");

    [Fact]
    public async Task A_foreign_hosts_failures_never_open_a_circuit_so_each_item_gets_all_its_retries_and_the_fleet_accounts_breaker_stays_closed()
    {
        var pipelines = new StoragePipelines(Options, FleetAccount);
        var foreign = new Uri("http://127.0.0.1:1/a.jpg");
        var calls = 0;
        ValueTask<int> Down(CancellationToken _)
        {
            calls++;
            throw new RequestFailedException(503, "down");
        }

        // Far more failures than open the fleet account's breaker at these options (StorageCircuitBreakerTests): every item
        // still reaches the host on each of its attempts, so a host that comes back within an item's retries serves it.
        for (var i = 0; i < 10; i++)
            Assert.IsType<RequestFailedException>((await Assert.ThrowsAsync<ForeignHostUnavailableException>(async () => await pipelines.For(foreign).ExecuteAsync(Down))).InnerException);
        Assert.Equal(10 * 3, calls);
        var back = 0;
        Assert.Equal(1, await pipelines.For(foreign).ExecuteAsync(_ => ++back == 1 ? throw new RequestFailedException(503, "down") : ValueTask.FromResult(1)));

        // The fleet account, on the same machine but another endpoint, still answers on the first try.
        var fleetCalls = 0;
        var fleet = pipelines.For(new Uri($"{FleetAccount}/jobs/a/shards/000000.json"));
        Assert.Same(pipelines.Fleet, fleet);
        Assert.Equal(7, await fleet.ExecuteAsync(_ => ValueTask.FromResult(++fleetCalls * 7)));
        Assert.Equal(1, fleetCalls);
    }

    [Fact]
    public async Task Only_the_fleet_accounts_failures_are_an_outage()
    {
        var pipelines = new StoragePipelines(Options, FleetAccount);

        var fleet = await Assert.ThrowsAnyAsync<Exception>(async () => await pipelines.For(new Uri($"{FleetAccount}/jobs/x")).ExecuteAsync(Down));
        var otherAccount = await Assert.ThrowsAnyAsync<Exception>(async () => await pipelines.For(new Uri("http://127.0.0.1:10000/devstoreaccount2/photos/a.jpg")).ExecuteAsync(Down));
        var web = await Assert.ThrowsAnyAsync<Exception>(async () => await pipelines.For(new Uri("https://photos.example/a.jpg")).ExecuteAsync(Down));

        Assert.True(StorageUnavailableException.IsOutage(fleet));
        Assert.False(StorageUnavailableException.IsOutage(otherAccount));
        Assert.Equal("http://127.0.0.1:10000", Assert.IsType<ForeignHostUnavailableException>(otherAccount).Host);
        Assert.False(StorageUnavailableException.IsOutage(web));
        Assert.Equal("https://photos.example is unavailable after 3 attempts: down", web.Message);
    }

    [Fact]
    public async Task An_item_on_a_refused_port_and_one_on_a_server_answering_503_are_the_items_fault_after_their_retries()
    {
        using var busy = new LoopbackHttpServer(c => c.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable);
        var refused = $"http://127.0.0.1:{LoopbackHttpServer.RefusedPort()}/a.jpg";
        var pipelines = new StoragePipelines(Options, FleetAccount);
        var reader = new ItemReader(null, pipelines.Fleet, new HttpClient(), hosts: pipelines);

        var noConnection = await Assert.ThrowsAsync<ForeignHostUnavailableException>(() => reader.ReadAsync(refused, default));
        var unavailable = await Assert.ThrowsAsync<ForeignHostUnavailableException>(() => reader.ReadAsync(busy.Url("b.jpg?sig=secret"), default));

        Assert.StartsWith($"{StoragePipelines.HostOf(new Uri(refused))} is unavailable after 3 attempts: ", noConnection.Message);
        Assert.Equal(3, busy.Requests);
        Assert.Contains("503", unavailable.Message);
        Assert.DoesNotContain("secret", unavailable.Message);
        Assert.False(StorageUnavailableException.IsOutage(noConnection) || StorageUnavailableException.IsOutage(unavailable));
    }
}
