namespace Fleet.Storage.Security;

/// <summary>
/// What a job may name (datasets, manifest lines, outputs), bound from <c>Fleet:Intake</c>. The defaults suit a silo
/// behind the API: no local paths, blobs of the fleet's own account except its internal containers, any public http(s)
/// host, and no loopback, private, link-local or metadata address (checked when the connection is made).
/// </summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Fleet:Intake";

    /// <summary>Schemes a job may name: https, http, file (paths too), sample. Empty: all four.</summary>
    public string[] Schemes { get; set; } = [];

    /// <summary>
    /// Any local path may be read and written (the embedded <c>fleet run</c>: a user on their own machine). Off by default.
    /// </summary>
    public bool AllowAnyLocalPath { get; set; }

    /// <summary>Folders under which local datasets, manifest entries and outputs may be (real paths: symbolic links resolved).</summary>
    public string[] LocalRoots { get; set; } = [];

    /// <summary>
    /// Containers of the fleet's own storage account a job may name (read and written with the fleet's identity).
    /// Empty: any container except the fleet's internal ones (<see cref="IntakePolicy.InternalContainers"/>).
    /// </summary>
    public string[] BlobContainers { get; set; } = [];

    /// <summary>
    /// Hosts of other http(s) URIs (other storage accounts with a SAS, public web servers) a job may name; "*.example.com"
    /// matches sub-domains. Empty: any host whose addresses pass the network check.
    /// </summary>
    public string[] HttpHosts { get; set; } = [];

    /// <summary>Allow http(s) connections to loopback addresses (127.0.0.0/8, ::1): tests and local fleets only. Off by default.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Allow http(s) connections to private, link-local (metadata), shared and unique-local addresses. Off by default.</summary>
    public bool AllowPrivateNetworks { get; set; }
}
