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

    /// <summary>
    /// The default scheme: forwards to the bearer scheme for a bearer token, to the API key scheme for a key, to the results
    /// link scheme for a request that carries only a signed link (query or cookie), else to the API key scheme (no result).
    /// </summary>
    private const string CredentialScheme = "FleetCredential";

    public static IHostApplicationBuilder AddFleetApiAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .Configure<IConfiguration>((o, config) =>
            {
                o.Key = config["Fleet:Api:Key"] ?? config["FLEET_API_KEY"] ?? o.Key;
                config.GetSection("Fleet:Api:Keys").Bind(o.Keys);
                config.GetSection("Fleet:Api:Roles").Bind(o.Roles);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IntakeScopes>();
        var entra = builder.Configuration.GetSection(EntraIdOptions.SectionName).Get<EntraIdOptions>() ?? new EntraIdOptions();
        string[] schemes = entra.Enabled ? [ApiKeyAuthenticationHandler.SchemeName, JwtBearerDefaults.AuthenticationScheme] : [ApiKeyAuthenticationHandler.SchemeName];

        // The default scheme (what UseAuthentication signs in before the rate limiter) picks by credential, so a bearer
        // token's principal and a results link's (a browser on the results page: its owner), not only a key's, spend their
        // own rate-limit buckets rather than the caller's address's. It only names the caller for the limiter: every route's
        // policy authenticates again with its own schemes, so a link still opens nothing but its job's results routes.
        var authentication = builder.Services.AddAuthentication(CredentialScheme)
            .AddPolicyScheme(CredentialScheme, null, o => o.ForwardDefaultSelector = context => CredentialOf(context.Request, entra.Enabled))
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

    private static string CredentialOf(HttpRequest request, bool entraEnabled)
    {
        if (entraEnabled && request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return JwtBearerDefaults.AuthenticationScheme;
        var linkOnly = request.Headers[ApiKeyOptions.HeaderName].Count == 0
            && (request.Cookies.ContainsKey(ResultsLinkAuthenticationHandler.CookieName) || request.Query.ContainsKey(ResultsLinkAuthenticationHandler.QueryName));
        return linkOnly ? ResultsLinkAuthenticationHandler.SchemeName : ApiKeyAuthenticationHandler.SchemeName;
    }
}
