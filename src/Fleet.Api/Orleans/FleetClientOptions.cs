namespace Fleet.Api.Orleans;

/// <summary>How the API finds the fleet (bound from Fleet:Client; FLEET_STORAGE supplies the connection string, Fleet:Storage the identity-based alternative).</summary>
public sealed record FleetClientOptions
{
    /// <summary>Localhost: the gateway of a silo on this machine. AzureTable: silos found through storage (Aspire, Azure).</summary>
    public string Clustering { get; set; } = "AzureTable";
    public string StorageConnectionString { get; set; } = "";
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "fleet-local";
    public string ServiceId { get; set; } = "fleet";
}
