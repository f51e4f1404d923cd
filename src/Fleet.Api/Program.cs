using Fleet.Api.Jobs;
using Fleet.Api.OpenApi;
using Fleet.Api.Orleans;
using Fleet.Api.Results;
using Fleet.Api.Security;
using Fleet.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddFleetEnvironmentVariables();
builder.AddServiceDefaults();
builder.AddFleetLogging();
// The build's OpenAPI generation starts this app with no fleet to reach (BuildTimeDocument).
if (BuildTimeDocument.IsGenerating)
    builder.AddBuildTimeStandIns();
else
    builder.AddFleetClient();
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("orleans", tags: [HealthEndpoints.ReadyTag]);
builder.AddFleetApiAuthentication();
builder.AddFleetApiProtection();
builder.AddFleetResults();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<KnownJobs>();
builder.Services.AddProblemDetails();
builder.AddFleetUnreadableBodyProblems();
builder.AddFleetStorageOutageProblems();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
builder.Services.AddFleetOpenApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseFleetRequestLimits();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapOpenApi();
app.MapFleetHealthEndpoints();
app.MapJobs();
app.MapJobResults();
app.Run();
