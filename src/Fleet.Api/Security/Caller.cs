using System.Security.Claims;
using Fleet.Contracts;

namespace Fleet.Api.Security;

/// <summary>
/// Who a request is from, as the job routes need it: the principal (the owner of what it submits) and whether it is an
/// admin. A caller names its own jobs by their ids; an admin names another owner's job as <c>owner~id</c>
/// (<c>default~id</c> for the default key's), the form its listing shows.
/// </summary>
public sealed record Caller(string Principal, bool IsAdmin)
{
    /// <summary>The authenticated caller; the routes' authorization policies guarantee a name and a Fleet role.</summary>
    public static Caller Of(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? throw new InvalidOperationException("an authenticated principal has a name"), user.IsInRole(FleetRoles.Admin));

    /// <summary>The key of the job <paramref name="routeId"/> names for this caller; null when it names none it may see.</summary>
    public string? KeyOf(string routeId)
    {
        if (!routeId.Contains(JobIds.OwnerSeparator, StringComparison.Ordinal))
            return JobIds.IsValid(routeId) ? JobIds.Key(Principal, routeId) : null;
        var at = routeId.IndexOf(JobIds.OwnerSeparator);
        var (owner, id) = (routeId[..at], routeId[(at + 1)..]);
        if (!JobIds.IsValid(id) || !JobIds.IsValidOwner(owner) || (owner != Principal && !IsAdmin))
            return null;
        return JobIds.Key(owner, id);
    }

    /// <summary>How this caller names the job of <paramref name="key"/>: its own by id, another's as owner~id.</summary>
    public string ViewOf(string key) => JobIds.Split(key) switch
    {
        { } parts when parts.Owner == Principal => parts.Id,
        { } parts => $"{parts.Owner}{JobIds.OwnerSeparator}{parts.Id}",
        null => key,
    };

    /// <summary>May this caller see the job of <paramref name="key"/>?</summary>
    public bool Sees(string key) => IsAdmin || JobIds.Split(key)?.Owner == Principal;

    public JobStatus View(JobStatus status) => status with { JobId = ViewOf(status.JobId) };
}
