using Fleet.ServiceDefaults;
using Fleet.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetLogging();

var options = builder.Configuration.GetSection("Fleet:Silo").Get<FleetSiloOptions>() ?? new FleetSiloOptions();
options.StorageConnectionString = builder.Configuration["FLEET_STORAGE"] ?? options.StorageConnectionString;
builder.AddFleetSilo(options);

await builder.Build().RunAsync();
