using System.ComponentModel.DataAnnotations;
using Fleet.Contracts;

namespace Fleet.Api.Security;

/// <summary>
/// The keys the X-Api-Key header is checked against (bound from Fleet:Api). <see cref="Key"/> (FLEET_API_KEY reaches
/// Fleet:Api:Key) is principal <c>default</c> with role admin, so a one-person fleet keeps working; <see cref="Keys"/>
/// are named principals, each with its own role, any number.
/// </summary>
public sealed record ApiKeyOptions : IValidatableObject
{
    public const string SectionName = "Fleet:Api";
    public const string HeaderName = ApiKeyHeader.Name;
    public const int MinKeyLength = 16;

    public string Key { get; set; } = "";

    public Dictionary<string, NamedApiKey> Keys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Fleet:Api:Roles:{role}:Datasets|Outputs: the places of every principal of that role that has none of its own (a
    /// key without lists, any Entra principal). An admin is never limited by a role's lists.
    /// </summary>
    public Dictionary<string, IntakeLimits> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>(principal, role, key) of every configured key.</summary>
    public IEnumerable<(string Principal, string Role, string Key)> Principals()
    {
        if (Key.Length > 0)
            yield return (JobIds.DefaultOwner, FleetRoles.Admin, Key);
        foreach (var (name, named) in Keys)
            yield return (name, named.Role, named.Key);
    }

    /// <summary>Each reason the keys cannot be used stops the API at start (ValidateDataAnnotations runs this).</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) =>
        Problems().Select(p => new ValidationResult(p));

    /// <summary>What is wrong with the keys; empty when they can be used.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Principals().Any())
            yield return "no API key: set Fleet:Api:Key (FLEET_API_KEY) or Fleet:Api:Keys:{name}:Key";
        if (Key.Length is > 0 and < MinKeyLength)
            yield return $"Fleet:Api:Key must be at least {MinKeyLength} characters";
        foreach (var (name, named) in Keys)
        {
            if (!JobIds.IsValidOwner(name) || name == JobIds.DefaultOwner)
                yield return $"Fleet:Api:Keys:{name}: the name {JobIds.OwnerRule}, and is not '{JobIds.DefaultOwner}'";
            if (named.Key.Length < MinKeyLength)
                yield return $"Fleet:Api:Keys:{name}:Key must be at least {MinKeyLength} characters";
            if (!FleetRoles.IsRole(named.Role))
                yield return $"Fleet:Api:Keys:{name}:Role must be one of {string.Join(", ", FleetRoles.All)}";
            foreach (var problem in named.Problems($"Fleet:Api:Keys:{name}"))
                yield return problem;
        }
        foreach (var (role, limits) in Roles)
        {
            if (!FleetRoles.IsRole(role))
                yield return $"Fleet:Api:Roles:{role}: the role must be one of {string.Join(", ", FleetRoles.All)}";
            foreach (var problem in limits.Problems($"Fleet:Api:Roles:{role}"))
                yield return problem;
        }
        if (Principals().Select(p => p.Key).Where(k => k.Length > 0).GroupBy(k => k, StringComparer.Ordinal).Any(g => g.Count() > 1))
            yield return "two principals share one API key";
    }
}
