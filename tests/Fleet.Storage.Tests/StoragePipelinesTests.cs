using System.Net;
using Azure;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Testing;
using Polly.CircuitBreaker;

namespace Fleet.Storage.Tests;

/// <summary>
/// One breaker per endpoint: a foreign host's failures open only its own circuit and come out as the item's fault; the
/// fleet account's breaker, and what counts as an outage, are the fleet account's alone.
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
    public async Task A_foreign_hosts_failures_open_its_own_circuit_and_never_the_fleet_accounts()
    {
        using var pipelines = new StoragePipelines(Options, FleetAccount);
        var foreign = pipelines.For(new Uri("http://127.0.0.1:1/a.jpg"));
        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<ForeignHostUnavailableException>(async () => await foreign.ExecuteAsync(Down));
        var open = await Assert.ThrowsAsync<ForeignHostUnavailableException>(async () => await foreign.ExecuteAsync(Down));
        Assert.IsType<BrokenCircuitException>(open.InnerException);

        // The fleet account, on the same machine but another endpoint, still answers on the first try.
        var fleetCalls = 0;
        var fleet = pipelines.For(new Uri($"{FleetAccount}/jobs/a/shards/000000.json"));
        Assert.Same(pipelines.Fleet, fleet);
        Assert.Equal(7, await fleet.ExecuteAsync(_ => ValueTask.FromResult(++fleetCalls * 7)));
        Assert.Equal(1, fleetCalls);
        // Another foreign host has its own closed circuit too.
        var other = 0;
        Assert.Equal(1, await pipelines.For(new Uri("http://127.0.0.1:2/b.jpg")).ExecuteAsync(_ => ValueTask.FromResult(++other)));
    }

    [Fact]
    public async Task Only_the_fleet_accounts_failures_are_an_outage()
    {
        using var pipelines = new StoragePipelines(Options, FleetAccount);

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
        using var pipelines = new StoragePipelines(Options, FleetAccount);
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
