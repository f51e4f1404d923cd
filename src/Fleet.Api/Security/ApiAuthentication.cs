using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Fleet.Api.Security;

/// <summary>
/// Every /jobs route needs an API key or, when configured, an Entra ID bearer token; either is enough. Reading needs
/// any Fleet role, submitting, resuming and cancelling the submitter or admin role (<see cref="FleetRoles"/>).
/// </summary>
public static class ApiAuthentication
{
    public const string ReadPolicy = "jobs.read";
    public const string SubmitPolicy = "jobs.submit";

    /// <summary>A job's results page, rows and thumbnails: what reading allows, or a signed results link (a browser).</summary>
    public const string ResultsPolicy = "jobs.results";

    public static IHostApplicationBuilder AddFleetApiAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .Configure<IConfiguration>((o, config) =>
            {
                o.Key = config["Fleet:Api:Key"] ?? config["FLEET_API_KEY"] ?? o.Key;
                config.GetSection("Fleet:Api:Keys").Bind(o.Keys);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var entra = builder.Configuration.GetSection(EntraIdOptions.SectionName).Get<EntraIdOptions>() ?? new EntraIdOptions();
        string[] schemes = entra.Enabled ? [ApiKeyAuthenticationHandler.SchemeName, JwtBearerDefaults.AuthenticationScheme] : [ApiKeyAuthenticationHandler.SchemeName];

        var authentication = builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, ResultsLinkAuthenticationHandler>(ResultsLinkAuthenticationHandler.SchemeName, null);
        builder.Services.AddSingleton<ResultsLinks>();
        if (entra.Enabled)
            authentication.AddJwtBearer(o => EntraTokens.Configure(o, entra));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireAuthenticatedUser().RequireRole(FleetRoles.CanRead))
            .AddPolicy(SubmitPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireAuthenticatedUser().RequireRole(FleetRoles.CanSubmit))
            .AddPolicy(ResultsPolicy, policy => policy.AddAuthenticationSchemes([.. schemes, ResultsLinkAuthenticationHandler.SchemeName]).RequireAuthenticatedUser().RequireRole(FleetRoles.CanRead));
        return builder;
    }
}
