using System.Security.Claims;
using Fleet.Contracts;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Fleet.Api.Security;

/// <summary>
/// How an Entra ID access token becomes a Fleet principal: v1.0 and v2.0 tokens are both validated (each has its own
/// issuer), the principal is the token's <c>oid</c> (a user or a service principal), else <c>azp</c>/<c>appid</c> (an
/// app without one), and its Fleet role comes from the app roles Fleet.Read, Fleet.Submit and Fleet.Admin.
/// A token with none of those roles authenticates but may do nothing (403).
/// </summary>
public static class EntraTokens
{
    public static void Configure(JwtBearerOptions options, EntraIdOptions entra)
    {
        options.Authority = entra.Authority;
        options.Audience = entra.Audience;
        // v2.0 tokens name the client id; v1.0 tokens the application id URI (api://{client id} by default).
        options.TokenValidationParameters.ValidAudiences = [entra.Audience!, $"api://{entra.Audience}"];
        options.TokenValidationParameters.ValidIssuers = [entra.IssuerV2, entra.IssuerV1];
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = ClaimTypes.Name;
        options.TokenValidationParameters.RoleClaimType = ClaimTypes.Role;
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (ToFleetPrincipal(context.Principal!) is { } principal)
                    context.Principal = principal;
                else
                    context.Fail("the token names no object id (oid) or client (azp, appid)");
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The token's claims plus the Fleet principal's name and roles; null when the token names no one.</summary>
    public static ClaimsPrincipal? ToFleetPrincipal(ClaimsPrincipal token)
    {
        var name = (token.FindFirst("oid") ?? token.FindFirst("azp") ?? token.FindFirst("appid"))?.Value.ToLowerInvariant();
        if (!JobIds.IsValidOwner(name))
            return null;
        var roles = token.FindAll("roles").Select(r => FleetRoles.EntraAppRoles.GetValueOrDefault(r.Value)).OfType<string>().Distinct();
        var identity = new ClaimsIdentity(
            token.Claims.Append(new Claim(ClaimTypes.Name, name!)).Concat(roles.Select(r => new Claim(ClaimTypes.Role, r))),
            JwtBearerDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }
}
