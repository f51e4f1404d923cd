using Fleet.Api.Jobs;
using Fleet.Api.Orleans;
using Fleet.Api.Security;
using Fleet.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetLogging();
builder.AddFleetClient();
builder.AddFleetApiAuthentication();
builder.AddFleetApiProtection();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<KnownJobs>();
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseFleetRequestLimits();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapOpenApi();
app.MapHealthChecks("/health");
app.MapHealthChecks("/alive");
app.MapJobs();
app.Run();
