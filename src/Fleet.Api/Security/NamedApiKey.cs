namespace Fleet.Api.Security;

/// <summary>
/// One team member's or script's key (<c>Fleet:Api:Keys:{name}:Key</c> and <c>:Role</c>); the name is its principal.
/// Its <c>:Datasets</c> and <c>:Outputs</c> (<see cref="IntakeLimits"/>) are where its jobs may read and write.
/// </summary>
public sealed class NamedApiKey : IntakeLimits
{
    public string Key { get; set; } = "";

    /// <summary>reader, submitter or admin (<see cref="FleetRoles"/>).</summary>
    public string Role { get; set; } = FleetRoles.Reader;
}
