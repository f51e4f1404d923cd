using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Security;

/// <summary>The key mutating endpoints require in the X-Api-Key header (Fleet:Api:Key, or FLEET_API_KEY).</summary>
public sealed record ApiKeyOptions
{
    public const string HeaderName = "X-Api-Key";

    [Required, MinLength(16)]
    public string Key { get; set; } = "";
}
