using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>
/// Authenticates a request by its X-Api-Key header as the principal whose key it is. Keys are compared as SHA-256
/// digests in constant time, against every configured key without stopping at a match, so neither the length, the
/// content nor which key matched leaks through timing; the key is never logged. No header: no result, so another
/// scheme (an Entra ID bearer token) may still authenticate the request.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private readonly (string Principal, string Role, byte[] Digest)[] _expected =
        keys.Value.Principals().Select(p => (p.Principal, p.Role, SHA256.HashData(Encoding.UTF8.GetBytes(p.Key)))).ToArray();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var given = Request.Headers[ApiKeyOptions.HeaderName].ToString();
        if (given.Length == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var match = -1;
        for (var i = 0; i < _expected.Length; i++)
        {
            // Every key is compared; the branch-free select keeps the loop's time the same whichever matched.
            var equal = CryptographicOperations.FixedTimeEquals(digest, _expected[i].Digest) ? 1 : 0;
            match = (equal * i) + ((1 - equal) * match);
        }
        if (match < 0)
            return Task.FromResult(AuthenticateResult.Fail($"the {ApiKeyOptions.HeaderName} header is wrong"));
        var (principal, role, _) = _expected[match];
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, principal), new Claim(ClaimTypes.Role, role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
