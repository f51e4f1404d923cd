using Fleet.ServiceDefaults;
using Fleet.Silo;
using Fleet.Storage;
using Fleet.Storage.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetLogging();

var options = builder.Configuration.GetSection("Fleet:Silo").Get<FleetSiloOptions>() ?? new FleetSiloOptions();
options.StorageConnectionString = builder.Configuration["FLEET_STORAGE"] ?? options.StorageConnectionString;
// Fleet:Storage: service URIs and managed identity (Azure), or a connection string.
options.Storage = builder.Configuration.GetSection(StorageSettings.SectionName).Get<StorageSettings>() ?? options.Storage;
if (options.SiloPort == 0 || options.GatewayPort == 0)
{
    // Port 0: replicas on one machine (Aspire) each take free ports of their own.
    var ports = FreePorts.Take(2);
    options.SiloPort = options.SiloPort == 0 ? ports[0] : options.SiloPort;
    options.GatewayPort = options.GatewayPort == 0 ? ports[1] : options.GatewayPort;
}
builder.AddFleetSilo(options);

await builder.Build().RunAsync();
