using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Fleet.Api.Security;

/// <summary>Every /jobs route needs an API key or, when configured, an Entra ID bearer token; either is enough.</summary>
public static class ApiAuthentication
{
    public const string JobsPolicy = "jobs";

    public static IHostApplicationBuilder AddFleetApiAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .Configure<IConfiguration>((o, config) => o.Key = config["Fleet:Api:Key"] ?? config["FLEET_API_KEY"] ?? o.Key)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var entra = builder.Configuration.GetSection(EntraIdOptions.SectionName).Get<EntraIdOptions>() ?? new EntraIdOptions();
        string[] schemes = entra.Enabled ? [ApiKeyAuthenticationHandler.SchemeName, JwtBearerDefaults.AuthenticationScheme] : [ApiKeyAuthenticationHandler.SchemeName];

        var authentication = builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (entra.Enabled)
        {
            authentication.AddJwtBearer(o =>
            {
                o.Authority = entra.Authority;
                o.Audience = entra.Audience;
                // v2.0 tokens name the client id; the application id URI form is accepted too.
                o.TokenValidationParameters.ValidAudiences = [entra.Audience!, $"api://{entra.Audience}"];
                o.MapInboundClaims = false;
                // The caller's object id: what rate limiting keys a token's client by.
                o.TokenValidationParameters.NameClaimType = "oid";
            });
        }
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(JobsPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireAuthenticatedUser());
        return builder;
    }
}
