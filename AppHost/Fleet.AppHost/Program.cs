using Fleet.AppHost;
using Fleet.Storage;

var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));

// Local development only: Azure is infra/ (Bicep) deployed by azd from azure.yaml, not a publish of this AppHost.
var npm = builder.AddNpmInstallIfNeeded(repoRoot);
var (azurite, storage) = builder.AddAzurite(repoRoot);
if (npm is not null)
    azurite.WaitForCompletion(npm);

var apiKey = builder.AddApiKey(repoRoot);
var siloReplicas = int.TryParse(builder.Configuration["Fleet:SiloReplicas"], out var replicas) ? replicas : 2;

// The services read Fleet's storage from Aspire's connection string (Fleet.Storage's StorageConfiguration).
var silo = builder.AddProject<Projects.Fleet_Silo>("silo")
    .WithReplicas(siloReplicas)
    .WithEnvironment($"ConnectionStrings__{StorageConfiguration.AspireConnectionName}", storage)
    .WithEnvironment("Fleet__Silo__Clustering", "AzureTable")
    .WithEnvironment("Fleet__Silo__AdvertisedIPAddress", "127.0.0.1")
    // 0: each replica takes free ports of its own.
    .WithEnvironment("Fleet__Silo__SiloPort", "0")
    .WithEnvironment("Fleet__Silo__GatewayPort", "0")
    .WithEnvironment("Fleet__Models__MirrorDirectory", Mirror("FLEET_MODEL_MIRROR", repoRoot))
    .WithEnvironment("Fleet__Samples__MirrorRoot", Mirror("FLEET_DATA_MIRROR", repoRoot))
    .WaitFor(azurite);
// The intake policy: jobs submitted through the API may name local paths under the repository (./out, datasets beside
// it), the data mirror and the AppHost's own Fleet:Intake:LocalRoots (tests add their temp folder), nothing else here.
string?[] roots = [repoRoot, Mirror("FLEET_DATA_MIRROR", repoRoot), .. builder.Configuration.GetSection("Fleet:Intake:LocalRoots").GetChildren().Select(c => c.Value)];
var localRoots = roots.Where(r => !string.IsNullOrEmpty(r)).Select((r, i) => (Root: Path.GetFullPath(r!, repoRoot), Index: i)).ToList();
foreach (var (root, i) in localRoots)
    silo.WithEnvironment($"Fleet__Intake__LocalRoots__{i}", root);

var api = builder.AddProject<Projects.Fleet_Api>("api")
    .WithEnvironment($"ConnectionStrings__{StorageConfiguration.AspireConnectionName}", storage)
    .WithEnvironment("Fleet__Api__Key", apiKey)
    .WithNamedApiKeys(builder)
    .WithHttpHealthCheck("/health")
    .WaitFor(silo)
    .WithJobCommands(repoRoot, apiKey);
// The results page reads a job's rows and photos under the same intake policy as the silos: a local ./out and local
// photos need the same roots.
foreach (var (root, i) in localRoots)
    api.WithEnvironment($"Fleet__Intake__LocalRoots__{i}", root);

builder.Build().Run();

// Mirrors as absolute paths, a relative one taken from the repository root (`dotnet run` starts the AppHost in its
// project folder, and each service in its own): `FLEET_MODEL_MIRROR=../shared/models` is beside the repository.
static string Mirror(string variable, string repoRoot) =>
    Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path ? Path.GetFullPath(path, repoRoot) : "";
