using System.Net;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Api.Tests;

/// <summary>/alive (the process) and /health (the cluster reached through the API's Orleans client) on the real API.</summary>
public sealed class HealthEndpointTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Alive_and_health_answer_without_a_key()
    {
        var client = api.Client(key: null);

        var alive = await client.GetAsync(HealthEndpoints.Alive);
        var health = await client.GetAsync(HealthEndpoints.Health);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Health_runs_the_Orleans_check_and_alive_runs_only_the_process_check()
    {
        var checks = api.Factory.Services.GetRequiredService<HealthCheckService>();

        var ready = await checks.CheckHealthAsync(c => c.Tags.Contains(HealthEndpoints.ReadyTag));
        var live = await checks.CheckHealthAsync(c => c.Tags.Contains(HealthEndpoints.LiveTag));

        var orleans = Assert.Single(ready.Entries);
        Assert.Equal("orleans", orleans.Key);
        Assert.Equal(HealthStatus.Healthy, orleans.Value.Status);
        Assert.Equal("1 active silo", orleans.Value.Description);
        Assert.Equal(["self"], live.Entries.Keys);
    }
}
