namespace Fleet.Api.Security;

/// <summary>
/// What a principal may do. reader: list, read and watch its own jobs. submitter: that, and submit, resume and cancel
/// its own jobs. admin: all of it, on every principal's jobs. Each key names one role; an Entra token's app roles
/// (Fleet.Read, Fleet.Submit, Fleet.Admin) map onto the same three, and a token with none of them may do nothing.
/// </summary>
public static class FleetRoles
{
    public const string Reader = "reader";
    public const string Submitter = "submitter";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Submitter, Admin];

    /// <summary>The roles that include reading (every role) and submitting.</summary>
    public static readonly string[] CanRead = [Reader, Submitter, Admin];
    public static readonly string[] CanSubmit = [Submitter, Admin];

    /// <summary>Entra app role value -> Fleet role (the app registration's appRoles, see docs/security.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> EntraAppRoles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Fleet.Read"] = Reader,
        ["Fleet.Submit"] = Submitter,
        ["Fleet.Admin"] = Admin,
    };

    public static bool IsRole(string? role) => role is not null && All.Contains(role);
}
