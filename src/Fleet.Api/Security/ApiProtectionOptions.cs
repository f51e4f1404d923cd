namespace Fleet.Api.Security;

/// <summary>What one client may ask of the API (<c>Fleet:Api:Limits</c>); the defaults suit people and scripts, not floods.</summary>
public sealed class ApiProtectionOptions
{
    public const string SectionName = "Fleet:Api:Limits";

    /// <summary>Open /jobs/{id}/events streams, all clients together.</summary>
    public int MaxEventStreams { get; set; } = 64;

    /// <summary>Open /jobs/{id}/events streams of one principal.</summary>
    public int MaxEventStreamsPerPrincipal { get; set; } = 8;

    /// <summary>Request body bytes (a job spec is well under 4 KB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Characters of path and query.</summary>
    public int MaxUriLength { get; set; } = 2048;

    /// <summary>The largest <c>limit</c> of GET /jobs (each listed job is one grain call).</summary>
    public int MaxListLimit { get; set; } = 100;
}
