namespace Fleet.Api.Security;

/// <summary>
/// Microsoft Entra ID bearer tokens as the alternative to the API key (<c>Fleet:Api:EntraId</c>); off while
/// <see cref="TenantId"/> or <see cref="Audience"/> is empty.
/// </summary>
public sealed class EntraIdOptions
{
    public const string SectionName = "Fleet:Api:EntraId";

    /// <summary>The directory (tenant) id whose tokens are accepted.</summary>
    public string? TenantId { get; set; }

    /// <summary>The API's application id URI or client id, the tokens' "aud".</summary>
    public string? Audience { get; set; }

    /// <summary>The login authority's host (another cloud's, e.g. https://login.microsoftonline.us/).</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    public bool Enabled => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(Audience);

    public string Authority => $"{Instance.TrimEnd('/')}/{TenantId}/v2.0";
}
