using Fleet.Hosting;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Hosting;

// The silo host: everything it does is configuration (Fleet:Silo, Fleet:Storage, Fleet:Worker, …; the FLEET_* short
// names too) read by the hosting library.
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddFleetEnvironmentVariables();
// Under Aspire each replica has an instance id (silo-abc123): name the silo after it, so the dashboard's per-silo
// metrics and the logs say which replica did the work.
if (builder.Configuration["Fleet:Silo:Name"] is null && ServiceInstanceId(builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"]) is { } instance)
    builder.Configuration["Fleet:Silo:Name"] = instance;
builder.AddServiceDefaults();
builder.AddFleetLogging();
builder.AddFleetSilo();

await builder.Build().RunAsync();

static string? ServiceInstanceId(string? resourceAttributes) =>
    resourceAttributes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id" && pair[1].Length > 0)
        .Select(pair => pair[1])
        .FirstOrDefault();
