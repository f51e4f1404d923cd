using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The probe paths every Fleet host serves, as eShop's ServiceDefaults: /alive (liveness: checks tagged
/// <see cref="LiveTag"/>, the process itself only, so an outage of a dependency never restarts every replica) and
/// /health (readiness: checks tagged <see cref="ReadyTag"/>, what the host needs to do its work — the API its Orleans
/// cluster, a silo its models).
/// </summary>
public static class HealthEndpoints
{
    public const string Health = "/health";
    public const string Alive = "/alive";
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(Health, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(Alive, StringComparison.OrdinalIgnoreCase);

    /// <summary>The liveness check every host has: it answers.</summary>
    public static IHealthChecksBuilder AddFleetHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

    public static WebApplication MapFleetHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(Health, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapHealthChecks(Alive, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        return app;
    }
}
