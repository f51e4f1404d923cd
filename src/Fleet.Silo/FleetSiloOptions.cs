using Fleet.Storage;

namespace Fleet.Silo;

/// <summary>How a silo joins the fleet (bound from Fleet:Silo; the CLI builds it directly for embedded runs).</summary>
public sealed record FleetSiloOptions
{
    /// <summary>Storage for grain state, shard manifests and (in a fleet) clustering. Azurite's or Azure's connection string.</summary>
    public string StorageConnectionString { get; set; } = "";

    /// <summary>
    /// The same storage by service URIs and identity (Fleet:Storage; what Azure uses). <see cref="StorageConnectionString"/>,
    /// when set, wins.
    /// </summary>
    public StorageSettings Storage { get; set; } = new();

    /// <summary>The storage settings in force: <see cref="Storage"/>, with <see cref="StorageConnectionString"/> when that is set.</summary>
    public StorageSettings EffectiveStorage =>
        string.IsNullOrWhiteSpace(StorageConnectionString) ? Storage : Storage with { ConnectionString = StorageConnectionString };

    /// <summary>Localhost: a cluster on this machine only (embedded runs, tests). AzureTable: silos find each other through storage.</summary>
    public SiloClustering Clustering { get; set; } = SiloClustering.Localhost;

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (AzureTable clustering); null = this host's address.</summary>
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
