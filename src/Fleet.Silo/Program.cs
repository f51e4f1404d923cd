using Fleet.Hosting;
using Fleet.ServiceDefaults;
using Fleet.Worker.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// The silo host: everything it does is configuration (Fleet:Silo, Fleet:Storage, Fleet:Worker, …; the FLEET_* short
// names too) read by the hosting library. It serves only the probes over HTTP.
var builder = WebApplication.CreateBuilder(args);
// Probes (/health, /alive) on the port the deployment names (ASPNETCORE_HTTP_PORTS=8080 in the image); without one,
// a free loopback port, so replicas on one machine (Aspire, tests) never fight over Kestrel's default 5000.
if (builder.Configuration["urls"] is null && builder.Configuration["http_ports"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Configuration.AddFleetEnvironmentVariables();
// Under Aspire each replica has an instance id (silo-abc123): name the silo after it, so the dashboard's per-silo
// metrics and the logs say which replica did the work.
if (builder.Configuration["Fleet:Silo:Name"] is null && ServiceInstanceId(builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"]) is { } instance)
    builder.Configuration["Fleet:Silo:Name"] = instance;
builder.AddServiceDefaults();
builder.AddFleetLogging();
builder.AddFleetSilo();
builder.Services.AddSingleton<InferenceReadiness>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<InferenceReadiness>());
// The worker takes no work until the models loaded on the device asked for (the probes never wait for CUDA).
builder.Services.AddSingleton<IWorkerReadiness>(sp => sp.GetRequiredService<InferenceReadiness>());
builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
    "inference", sp => sp.GetRequiredService<InferenceReadiness>(), failureStatus: null, tags: [HealthEndpoints.ReadyTag]));

var app = builder.Build();
// /health: the models loaded on the provider asked for (what the worker waits for; for people and monitors, not the
// platform's readiness probe, which checks the silo port). /alive: the process answers (no remote dependency, so a
// storage outage never restarts the whole cluster).
app.MapFleetHealthEndpoints();
await app.RunAsync();

static string? ServiceInstanceId(string? resourceAttributes) =>
    resourceAttributes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id" && pair[1].Length > 0)
        .Select(pair => pair[1])
        .FirstOrDefault();
