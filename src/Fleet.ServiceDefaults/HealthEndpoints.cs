using Microsoft.AspNetCore.Http;

namespace Fleet.ServiceDefaults;

/// <summary>The probe paths every Fleet host serves: /health (readiness) and /alive (liveness), as eShop's ServiceDefaults.</summary>
public static class HealthEndpoints
{
    public const string Health = "/health";
    public const string Alive = "/alive";

    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(Health, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(Alive, StringComparison.OrdinalIgnoreCase);
}
