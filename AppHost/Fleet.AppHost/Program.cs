using Fleet.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));

var npm = builder.AddNpmInstallIfNeeded(repoRoot);
var (azurite, storage) = builder.AddAzurite(repoRoot);
if (npm is not null)
    azurite.WaitForCompletion(npm);

var apiKey = builder.AddApiKey(repoRoot);
var siloReplicas = int.TryParse(builder.Configuration["Fleet:SiloReplicas"], out var replicas) ? replicas : 2;

var silo = builder.AddProject<Projects.Fleet_Silo>("silo")
    .WithReplicas(siloReplicas)
    .WithEnvironment("FLEET_STORAGE", storage)
    .WithEnvironment("Fleet__Silo__Clustering", "AzureTable")
    .WithEnvironment("Fleet__Silo__AdvertisedIPAddress", "127.0.0.1")
    // 0: each replica takes free ports of its own.
    .WithEnvironment("Fleet__Silo__SiloPort", "0")
    .WithEnvironment("Fleet__Silo__GatewayPort", "0")
    .WithEnvironment("FLEET_MODEL_MIRROR", Mirror("FLEET_MODEL_MIRROR"))
    .WithEnvironment("FLEET_DATA_MIRROR", Mirror("FLEET_DATA_MIRROR"))
    .WaitFor(azurite);

var api = builder.AddProject<Projects.Fleet_Api>("api")
    .WithEnvironment("FLEET_STORAGE", storage)
    .WithEnvironment("Fleet__Api__Key", apiKey)
    .WithEnvironment("FLEET_DATA_MIRROR", Mirror("FLEET_DATA_MIRROR"))
    .WithHttpHealthCheck("/health")
    .WaitFor(silo)
    .WithJobCommands(repoRoot, apiKey);

builder.Build().Run();

// Mirrors as absolute paths: `export FLEET_MODEL_MIRROR=../shared/models` means beside where the AppHost was started,
// not beside each service's own working directory.
static string Mirror(string variable) =>
    Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path ? Path.GetFullPath(path) : "";
