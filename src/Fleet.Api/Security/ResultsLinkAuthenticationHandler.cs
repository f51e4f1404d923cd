using System.Security.Claims;
using System.Text.Encodings.Web;
using Fleet.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>
/// Authenticates a browser on a job's results routes by a signed link (<see cref="ResultsLinks"/>): the <c>link</c>
/// query parameter of the first visit, then the cookie the page sets from it (HttpOnly, SameSite=Strict, its path the
/// job's own routes). The principal is the job's owner as a reader, with the one job it may read in
/// <see cref="JobClaim"/>: the results endpoints refuse any other job, and no other route accepts this scheme.
/// </summary>
public sealed class ResultsLinkAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ResultsLinks links)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ResultsLink";
    public const string CookieName = "fleet-results";
    public const string QueryName = "link";
    public const string JobClaim = "fleet.job";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Query[QueryName].ToString() is { Length: > 0 } query ? query : Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (links.Validate(token) is not { } link || JobIds.Split(link.JobKey) is not { } owner)
            return Task.FromResult(AuthenticateResult.Fail("the results link is not valid or has expired"));
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, owner.Owner), new Claim(ClaimTypes.Role, FleetRoles.Reader), new Claim(JobClaim, link.JobKey)], SchemeName);
        var properties = new AuthenticationProperties { ExpiresUtc = link.Expires };
        properties.Items[QueryName] = token;
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName)));
    }
}
