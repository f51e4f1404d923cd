namespace Fleet.Hosting;

/// <summary>How a silo joins the fleet (bound from Fleet:Silo). Its storage is Fleet:Storage (<c>StorageConfiguration</c>).</summary>
public sealed record FleetSiloOptions
{
    public const string SectionName = "Fleet:Silo";

    /// <summary>Localhost: a cluster on this machine only (embedded runs, tests). AzureTable: silos find each other through storage.</summary>
    public SiloClustering Clustering { get; set; } = SiloClustering.Localhost;

    /// <summary>The port the silo listens on for other silos; 0 takes a free one at start (replicas on one machine).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port the silo listens on for clients; 0 takes a free one at start.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this one at (AzureTable clustering); null = this host's address.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// The silo port peers connect to when it differs from the one bound (<see cref="SiloPort"/>): on Container Apps
    /// the app's exposed ingress port, which the platform maps to the container's target port. Null = <see cref="SiloPort"/>.
    /// </summary>
    public int? AdvertisedSiloPort { get; set; }

    /// <summary>The gateway port clients connect to when it differs from the one bound (<see cref="GatewayPort"/>); null = the same.</summary>
    public int? AdvertisedGatewayPort { get; set; }

    /// <summary>The first silo's endpoint, for extra in-process localhost silos; null for the first one.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The silo's name in logs and in the Fleet metrics' fleet.silo tag; null = Orleans' generated name.</summary>
    public string? Name { get; set; }

    public string ClusterId { get; set; } = "fleet-local";
    public string ServiceId { get; set; } = "fleet";
}

public enum SiloClustering
{
    Localhost,
    AzureTable,
}
