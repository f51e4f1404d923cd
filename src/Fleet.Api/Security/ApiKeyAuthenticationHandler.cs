using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>
/// Authenticates a request by its X-Api-Key header. Keys are compared as SHA-256 digests in constant time, so neither
/// the length nor the content leaks through timing; the key is never logged. No header: no result, so another scheme
/// (an Entra ID bearer token) may still authenticate the request.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> key)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(key.Value.Key));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var given = Request.Headers[ApiKeyOptions.HeaderName].ToString();
        if (given.Length == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        if (!CryptographicOperations.FixedTimeEquals(digest, _expected))
            return Task.FromResult(AuthenticateResult.Fail($"the {ApiKeyOptions.HeaderName} header is wrong"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
