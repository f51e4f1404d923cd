using System.ComponentModel.DataAnnotations;
using Fleet.Contracts;

namespace Fleet.Api.Security;

/// <summary>The key mutating endpoints require in the X-Api-Key header (bound from Fleet:Api; FLEET_API_KEY reaches Fleet:Api:Key).</summary>
public sealed record ApiKeyOptions
{
    public const string SectionName = "Fleet:Api";
    public const string HeaderName = ApiKeyHeader.Name;

    [Required, MinLength(16)]
    public string Key { get; set; } = "";
}
