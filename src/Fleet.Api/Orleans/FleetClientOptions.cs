namespace Fleet.Api.Orleans;

/// <summary>How the API finds the fleet (bound from Fleet:Client); the storage it clusters through is Fleet:Storage.</summary>
public sealed record FleetClientOptions
{
    public const string SectionName = "Fleet:Client";

    /// <summary>Localhost: the gateway of a silo on this machine. AzureTable: silos found through storage (Aspire, Azure).</summary>
    public string Clustering { get; set; } = "AzureTable";
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "fleet-local";
    public string ServiceId { get; set; } = "fleet";
}
