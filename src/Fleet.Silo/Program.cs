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
// Under Aspire each replica has an instance id (silo-abc123): name the silo after it, so the dashboard's
// per-silo metrics and the logs say which replica did the work.
options.Name ??= ServiceInstanceId(builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"]);
if (options.SiloPort == 0 || options.GatewayPort == 0)
{
    // Port 0: replicas on one machine (Aspire) each take free ports of their own.
    var ports = FreePorts.Take(2);
    options.SiloPort = options.SiloPort == 0 ? ports[0] : options.SiloPort;
    options.GatewayPort = options.GatewayPort == 0 ? ports[1] : options.GatewayPort;
}
builder.AddFleetSilo(options);

await builder.Build().RunAsync();

static string? ServiceInstanceId(string? resourceAttributes) =>
    resourceAttributes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id" && pair[1].Length > 0)
        .Select(pair => pair[1])
        .FirstOrDefault();
