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

    /// <summary>The v1.0 token issuer's host: sts.windows.net in the public cloud (another cloud's differs).</summary>
    public string V1Instance { get; set; } = "https://sts.windows.net/";

    public string Authority => $"{Instance.TrimEnd('/')}/{TenantId}/v2.0";

    /// <summary>The "iss" of a v2.0 access token (accessTokenAcceptedVersion 2).</summary>
    public string IssuerV2 => Authority;

    /// <summary>The "iss" of a v1.0 access token (the default for a new app registration).</summary>
    public string IssuerV1 => $"{V1Instance.TrimEnd('/')}/{TenantId}/";
}
