using System.Security.Claims;
using Fleet.Contracts;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>
/// The intake scope a submission carries to the silos, from the API's settings: a named key's own
/// <c>Fleet:Api:Keys:{name}:Datasets|Outputs</c> when it has any, else its role's <c>Fleet:Api:Roles:{role}:...</c>
/// (the only source for Entra principals). Admins have none (the fleet's intake policy alone, which never allows its
/// internal containers), and neither does a principal whose settings name no places.
/// </summary>
public sealed class IntakeScopes(IOptions<ApiKeyOptions> options)
{
    public IntakeScope? For(ClaimsPrincipal user)
    {
        if (user.IsInRole(FleetRoles.Admin))
            return null;
        var keys = options.Value;
        var name = user.Identity?.Name ?? "";
        if (user.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName && keys.Keys.TryGetValue(name, out var key) && !key.IsEmpty)
            return Scope(key, $"{ApiKeyOptions.SectionName}:Keys:{name}");
        var role = FleetRoles.CanSubmit.FirstOrDefault(user.IsInRole) ?? FleetRoles.Reader;
        return keys.Roles.TryGetValue(role, out var limits) && !limits.IsEmpty ? Scope(limits, $"{ApiKeyOptions.SectionName}:Roles:{role}") : null;
    }

    private static IntakeScope Scope(IntakeLimits limits, string source) =>
        new() { Datasets = limits.Datasets, Outputs = limits.Outputs, Source = source };
}
