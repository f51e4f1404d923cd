using Fleet.ServiceDefaults;
using Fleet.Silo;
using Fleet.Storage;
using Fleet.Storage.Azurite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
// Probes (/health, /alive) on the port the deployment names (ASPNETCORE_HTTP_PORTS=8080 in the image); without one,
// a free loopback port, so replicas on one machine (Aspire, tests) never fight over Kestrel's default 5000.
if (builder.Configuration["urls"] is null && builder.Configuration["http_ports"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:0");
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
builder.Services.AddSingleton<InferenceReadiness>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<InferenceReadiness>());
builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
    "inference", sp => sp.GetRequiredService<InferenceReadiness>(), failureStatus: null, tags: [InferenceReadiness.ReadyTag]));

var app = builder.Build();
// Readiness: the models loaded on the provider asked for. Liveness: the process answers (no remote dependency, so a
// storage outage never restarts the whole cluster).
app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Tags.Contains(InferenceReadiness.ReadyTag) });
app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
await app.RunAsync();

static string? ServiceInstanceId(string? resourceAttributes) =>
    resourceAttributes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id" && pair[1].Length > 0)
        .Select(pair => pair[1])
        .FirstOrDefault();
