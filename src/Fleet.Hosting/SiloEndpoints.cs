using System.Net;
using Orleans.Configuration;

namespace Fleet.Hosting;

/// <summary>
/// The endpoints of a silo whose address is configured (AzureTable clustering behind a port-mapping ingress, as on
/// Container Apps): bind the target ports on every local address, write the configured address and the exposed ports
/// to membership. Nothing is auto-detected: in a workload-profile environment detection finds a 169.254.x address
/// no peer can reach (azure-container-apps #721).
/// </summary>
public static class SiloEndpoints
{
    public static void Apply(EndpointOptions endpoints, FleetSiloOptions options)
    {
        var advertised = IPAddress.Parse(options.AdvertisedIPAddress
            ?? throw new InvalidOperationException("Fleet:Silo:AdvertisedIPAddress is not set."));
        endpoints.AdvertisedIPAddress = advertised;
        endpoints.SiloPort = options.AdvertisedSiloPort ?? options.SiloPort;
        endpoints.GatewayPort = options.AdvertisedGatewayPort ?? options.GatewayPort;
        endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
        endpoints.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, options.GatewayPort);
    }
}
