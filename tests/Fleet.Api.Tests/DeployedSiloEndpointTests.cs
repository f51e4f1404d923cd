using System.Net;
using Fleet.Api.Orleans;
using Fleet.Development;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Fleet.Api.Tests;

/// <summary>
/// The silo endpoint configuration infra/ gives each silo app on Container Apps, run here: two Fleet.Silo processes
/// configured by environment variables only (AzureTable clustering, an advertised address, bound target ports and
/// different advertised exposed ports), each behind a forwarder that plays the environment's TCP ingress on its own
/// loopback address (127.0.0.2, 127.0.0.3). They must form one cluster through those advertised endpoints, and an
/// Orleans client that finds gateways through the same table (the API) must see both gateways and reach each.
/// </summary>
[Collection(SerialPortsCollection.Name)]
public sealed class DeployedSiloEndpointTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string ClusterId = "deploy-endpoints";

    [Fact]
    public async Task Two_silos_advertising_different_addresses_and_exposed_ports_form_one_cluster_and_a_client_reaches_both_gateways()
    {
        var ports = FreePorts.Take(9);
        var silos = new[]
        {
            new Silo(IPAddress.Parse("127.0.0.2"), TargetSilo: ports[0], TargetGateway: ports[1], ExposedSilo: ports[2], ExposedGateway: ports[3], Http: ports[8]),
            new Silo(IPAddress.Parse("127.0.0.3"), TargetSilo: ports[4], TargetGateway: ports[5], ExposedSilo: ports[6], ExposedGateway: ports[7], Http: 0),
        };
        var forwarders = silos.SelectMany(s => new[]
        {
            new IngressForwarder(new IPEndPoint(s.Address, s.ExposedSilo), new IPEndPoint(IPAddress.Loopback, s.TargetSilo)),
            new IngressForwarder(new IPEndPoint(s.Address, s.ExposedGateway), new IPEndPoint(IPAddress.Loopback, s.TargetGateway)),
        }).ToList();
        var processes = silos.Select(s => new SiloProcess(Environment(s))).ToList();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(50));

            // The API's own client: gateways from the membership table.
            var hosts = await WaitForActiveSilosAsync(2, processes, timeout.Token);
            var expected = silos.Select(s => $"{s.Address}:{s.ExposedSilo}").Order().ToArray();
            Assert.Equal(expected, hosts.Keys.Select(a => $"{a.Endpoint.Address}:{a.Endpoint.Port}").Order().ToArray());
            Assert.Equal(silos.Select(s => s.ExposedGateway).Order().ToArray(), hosts.Values.Select(e => e.ProxyPort).Order().ToArray());

            using (var tableClient = await StartApiClientAsync(timeout.Token))
            {
                var gateways = await tableClient.Services.GetRequiredService<IGatewayListProvider>().GetGateways();
                Assert.Equal(
                    silos.Select(s => $"{s.Address}:{s.ExposedGateway}").Order().ToArray(),
                    gateways.Select(g => $"{g.Host}:{g.Port}").Order().ToArray());
            }

            // Each advertised gateway, on its own, answers for the whole cluster.
            foreach (var silo in silos)
            {
                using var client = await StartGatewayClientAsync(new IPEndPoint(silo.Address, silo.ExposedGateway), timeout.Token);
                var seen = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                Assert.Equal(2, seen.Count);
            }

            // Every connection went through an exposed port, never straight to a bound one: each gateway's (the clients
            // above), and the silo port of whichever silo was dialled (Orleans uses one silo connection both ways).
            Assert.All(forwarders.Where((_, i) => i % 2 == 1), f => Assert.True(f.Connections > 0));
            Assert.True(forwarders.Where((_, i) => i % 2 == 0).Sum(f => f.Connections) > 0);

            // The probes Container Apps runs: readiness (the models loaded on the CPU asked for) and liveness.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silos[0].Http}") };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive", timeout.Token)).StatusCode);
            var ready = await http.GetAsync("/health", timeout.Token);
            Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync(timeout.Token) + processes[0].Output);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- silo A\n{processes[0].Output}\n--- silo B\n{processes[1].Output}", ex);
        }
        finally
        {
            foreach (var process in processes)
                await process.DisposeAsync();
            foreach (var forwarder in forwarders)
                await forwarder.DisposeAsync();
        }
    }

    private Dictionary<string, string> Environment(Silo silo) => new()
    {
        ["Fleet__Storage__ConnectionString"] = azurite.ConnectionString,
        ["Fleet__Silo__Clustering"] = "AzureTable",
        ["Fleet__Silo__ClusterId"] = ClusterId,
        ["Fleet__Silo__AdvertisedIPAddress"] = silo.Address.ToString(),
        ["Fleet__Silo__SiloPort"] = silo.TargetSilo.ToString(),
        ["Fleet__Silo__GatewayPort"] = silo.TargetGateway.ToString(),
        ["Fleet__Silo__AdvertisedSiloPort"] = silo.ExposedSilo.ToString(),
        ["Fleet__Silo__AdvertisedGatewayPort"] = silo.ExposedGateway.ToString(),
        ["Fleet__Worker__Enabled"] = "false",
        ["Fleet__Inference__Device"] = "cpu",
        ["Fleet__Models__MirrorDirectory"] = TestPaths.ModelMirror,
        // The probe port: fixed for the silo the test probes, a free loopback one for the other.
        ["ASPNETCORE_URLS"] = silo.Http > 0 ? $"http://127.0.0.1:{silo.Http}" : "http://127.0.0.1:0",
    };

    private async Task<Dictionary<SiloAddress, MembershipEntry>> WaitForActiveSilosAsync(int count, List<SiloProcess> processes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Assert.DoesNotContain(processes, p => p.HasExited);
            try
            {
                using var client = await StartApiClientAsync(cancellationToken);
                var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
                var hosts = await management.GetDetailedHosts(onlyActive: true, cancellationToken);
                if (hosts.Length == count)
                    return hosts.ToDictionary(h => h.SiloAddress);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // No gateway in the table yet, or one not yet listening.
            }
            await Task.Delay(500, cancellationToken);
        }
    }

    // The API's client exactly as the API configures it (Fleet.Api's AddFleetClient): gateways from the table.
    private Task<IHost> StartApiClientAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Fleet:Storage:ConnectionString"] = azurite.ConnectionString;
        builder.Configuration["Fleet:Client:ClusterId"] = ClusterId;
        builder.AddFleetClient();
        return StartAsync(builder, cancellationToken);
    }

    // A client that knows one gateway only, to show that advertised endpoint answers by itself.
    private static Task<IHost> StartGatewayClientAsync(IPEndPoint gateway, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client
            .UseStaticClustering(gateway)
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = "fleet";
            }));
        return StartAsync(builder, cancellationToken);
    }

    private static async Task<IHost> StartAsync(HostApplicationBuilder builder, CancellationToken cancellationToken)
    {
        builder.Logging.ClearProviders();
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private sealed record Silo(IPAddress Address, int TargetSilo, int TargetGateway, int ExposedSilo, int ExposedGateway, int Http);
}
