using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Storage.Blobs;
using Fleet.Testing;

namespace Fleet.Drill.Tests;

/// <summary>
/// A multi-host fleet on one machine: Azurite on the host side of a private bridge, each silo and the API a separate
/// process in its own network namespace with its own address, configured only by environment variables exactly as a
/// deployed silo is (AzureTable clustering through storage, the advertised address = the namespace's address, the silo and
/// gateway ports, ConnectionStrings__fleet-storage). Everything is torn down on dispose, by pid and by this run's prefix.
/// </summary>
public sealed class DrillFleet : IAsyncDisposable
{
    public const string ApiKey = "drill-api-key-0123456789abcdef";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int SiloPort = 11111, GatewayPort = 30000, HealthPort = 8080, ApiPort = 5080;

    private readonly DrillNetwork _network;
    private readonly List<DrillProcess> _all = [];
    private readonly DrillHost[] _siloHosts;
    private readonly DrillHost _apiHost;
    private DrillProcess? _azurite;
    private int _starts;

    private DrillFleet(DrillNetwork network, DrillSettings settings)
    {
        _network = network;
        Settings = settings;
        Folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "fleet-drill", network.Name)).FullName;
        _siloHosts = Enumerable.Range(1, settings.Silos).Select(i => network.AddHost($"s{i}", i)).ToArray();
        _apiHost = network.AddHost("api", 9);
        Silos = new DrillProcess?[settings.Silos];
        Api = new HttpClient { BaseAddress = new Uri($"http://{_apiHost.Address}:{ApiPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    public DrillSettings Settings { get; }

    /// <summary>Logs (kept after the run for a look at what happened) and, while it runs, Azurite's data.</summary>
    public string Folder { get; }

    public string BlobEndpoint => $"http://{_network.HostAddress}:10000/devstoreaccount1";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};" +
        $"QueueEndpoint=http://{_network.HostAddress}:10001/devstoreaccount1;TableEndpoint=http://{_network.HostAddress}:10002/devstoreaccount1;";

    public DrillProcess?[] Silos { get; }

    public DrillProcess? ApiProcess { get; private set; }

    public HttpClient Api { get; }

    public string ApiAddress => $"http://{_apiHost.Address}:{ApiPort}";

    public IReadOnlyList<DrillHost> SiloHosts => _siloHosts;

    /// <summary>Every silo log this fleet ever wrote (killed and restarted silos included).</summary>
    public IEnumerable<string> SiloLogs => _all.Where(p => p.Name.StartsWith("silo", StringComparison.Ordinal)).Select(p => p.LogPath).Distinct();

    public BlobServiceClient Blobs => new(ConnectionString);

    public static async Task<DrillFleet> StartAsync(DrillSettings settings, CancellationToken cancellationToken)
    {
        var network = DrillNetwork.Create();
        DrillFleet? fleet = null;
        try
        {
            fleet = new DrillFleet(network, settings);
            await fleet.StartAzuriteAsync(cancellationToken);
            for (var i = 0; i < settings.Silos; i++)
                fleet.StartSilo(i);
            fleet.StartApi();
            await fleet.WaitReadyAsync(cancellationToken);
            return fleet;
        }
        catch
        {
            if (fleet is not null)
                await fleet.DisposeAsync();
            else
                network.Dispose();
            throw;
        }
    }

    // ---- Storage ----

    public async Task StartAzuriteAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(TestPaths.RepoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
            throw new FileNotFoundException("Azurite is not installed: run npm ci", script);
        var host = _network.HostAddress;
        _azurite = Track(new DrillProcess("azurite", null, "node",
            [script, "--blobHost", host, "--blobPort", "10000", "--queueHost", host, "--queuePort", "10001", "--tableHost", host, "--tablePort", "10002",
             "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry", "--silent", "--location", Path.Combine(Folder, "azurite")],
            new Dictionary<string, string>(), Path.Combine(Folder, "azurite.log")));
        foreach (var port in new[] { 10000, 10002 })
            await WaitListeningAsync(host, port, _azurite, TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>
    /// Storage goes away: Azurite is stopped (SIGTERM), so connections are refused until it is started again, with its
    /// data. Not SIGKILL: Azurite keeps its metadata in a database it saves every few seconds, so a SIGKILL loses writes it
    /// had acknowledged (a job planned just before lost its shard manifests and grain state in one CI run), which Azure
    /// Storage never does; that would test Azurite, not Fleet.
    /// </summary>
    public Task StopAzuriteAsync() => _azurite!.StopAsync(TimeSpan.FromSeconds(15));

    // ---- Silos and the API ----

    public void StartSilo(int index)
    {
        var host = _siloHosts[index];
        Silos[index] = Track(new DrillProcess($"silo{index + 1}", host, "dotnet", [Built("Fleet.Silo")], new Dictionary<string, string>
        {
            ["ConnectionStrings__fleet-storage"] = ConnectionString,
            ["Fleet__Silo__Clustering"] = "AzureTable",
            ["Fleet__Silo__ClusterId"] = _network.Name,
            ["Fleet__Silo__Name"] = $"silo{index + 1}",
            ["Fleet__Silo__AdvertisedIPAddress"] = host.Address,
            ["Fleet__Silo__SiloPort"] = SiloPort.ToString(),
            ["Fleet__Silo__GatewayPort"] = GatewayPort.ToString(),
            ["Fleet__Jobs__LeaseDuration"] = Settings.LeaseDuration.ToString(),
            ["Fleet__Inference__Device"] = "cpu",
            ["Fleet__Inference__IntraOpThreads"] = "1",
            ["Fleet__Worker__Capacity"] = "2",
            ["Fleet__Models__MirrorDirectory"] = TestPaths.ModelMirror,
            // The fleet's own account is on the bridge's private address.
            ["Fleet__Intake__AllowPrivateNetworks"] = "true",
            ["ASPNETCORE_URLS"] = $"http://{host.Address}:{HealthPort}",
            ["DOTNET_gcServer"] = "0",
        }, Path.Combine(Folder, $"silo{index + 1}-{++_starts}.log")));
    }

    public void StartApi()
    {
        ApiProcess = Track(new DrillProcess("api", _apiHost, "dotnet", [Built("Fleet.Api")], new Dictionary<string, string>
        {
            ["ConnectionStrings__fleet-storage"] = ConnectionString,
            ["Fleet__Client__ClusterId"] = _network.Name,
            ["Fleet__Api__Key"] = ApiKey,
            // The drill polls status twice a second and the CLI watches too, all from the bridge address.
            ["Fleet__Api__RateLimit__RequestsPerMinute"] = "6000",
            ["ASPNETCORE_URLS"] = ApiAddress,
            ["DOTNET_gcServer"] = "0",
        }, Path.Combine(Folder, $"api-{++_starts}.log")));
    }

    /// <summary>Waits until every running silo reports ready (models loaded, /health) and the API answers for a job.</summary>
    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        for (var i = 0; i < Silos.Length; i++)
        {
            if (Silos[i] is not { HasExited: false } silo)
                continue;
            await UntilAsync(async () => (await http.GetAsync($"http://{_siloHosts[i].Address}:{HealthPort}/health", timeout.Token)).IsSuccessStatusCode, silo, timeout.Token);
        }
        await UntilAsync(async () => (await Api.GetAsync("/jobs?limit=1", timeout.Token)).IsSuccessStatusCode, ApiProcess!, timeout.Token);
    }

    private static async Task UntilAsync(Func<Task<bool>> ready, DrillProcess process, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{process.Name} exited ({process.ExitCode}) while starting:\n{process.Tail()}");
            try
            {
                if (await ready())
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            if (cancellationToken.IsCancellationRequested)
                throw new TimeoutException($"{process.Name} did not become ready:\n{process.Tail()}");
            await Task.Delay(500, CancellationToken.None);
        }
    }

    private static async Task WaitListeningAsync(string host, int port, DrillProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(host, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>The built Fleet.Silo, Fleet.Api or Fleet.Cli, in the configuration this test project was built in.</summary>
    public static string Built(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        // The CLI's assembly is the command's name.
        var assembly = project == "Fleet.Cli" ? "fleet" : project;
        var path = Path.Combine(TestPaths.RepoRoot, "src", project, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build src/{project} first", path);
    }

    /// <summary>A `dotnet` command on the host side (the CLI), tracked like every process of the run.</summary>
    public DrillProcess StartHostCommand(string name, string[] arguments, IReadOnlyDictionary<string, string> environment, string log) =>
        Track(new DrillProcess(name, null, "dotnet", arguments, environment, Path.Combine(Folder, log)));

    private DrillProcess Track(DrillProcess process)
    {
        _all.Add(process);
        _network.RecordHostProcess(process.Pid);
        return process;
    }

    // ---- Jobs, through the API ----

    public async Task SubmitAsync(string jobId, string dataset, string output, int shardSize, CancellationToken cancellationToken)
    {
        using var response = await Api.PostAsJsonAsync("/jobs", new { jobId, dataset, output, shardSize, captions = false, maxFailedFraction = 0.5 }, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"submit {jobId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>The job's status, or null while the API (or the cluster behind it) cannot answer.</summary>
    public async Task<DrillStatus?> StatusAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Api.GetAsync($"/jobs/{jobId}", cancellationToken);
            if (!response.IsSuccessStatusCode)
                return null;
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = json.RootElement;
            return new DrillStatus(
                root.GetProperty("state").GetString()!,
                root.GetProperty("shardsDone").GetInt32(),
                root.GetProperty("shardsTotal").GetInt32(),
                root.GetProperty("imagesTotal").GetInt64(),
                root.GetProperty("imagesFailed").GetInt64(),
                root.GetProperty("planningComplete").GetBoolean(),
                root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>`fleet verify` on the host: every image of the dataset in exactly one row of the output.</summary>
    public async Task<VerifyReport> VerifyAsync(string jobId, string dataset, string output, CancellationToken cancellationToken)
    {
        var cli = StartHostCommand("verify", [Built("Fleet.Cli"), "verify", jobId, "--dataset", dataset, "--out", output, "--json", "--storage", ConnectionString],
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }, $"verify-{jobId}.log");
        await cli.WaitForExitAsync(cancellationToken);
        var text = await File.ReadAllTextAsync(cli.LogPath, cancellationToken);
        var line = text.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{')) ?? throw new InvalidOperationException($"fleet verify printed no report:\n{text}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new VerifyReport(cli.ExitCode, root.GetProperty("datasetImages").GetInt64(), root.GetProperty("rows").GetInt64(),
            root.GetProperty("errorRows").GetInt64(), root.GetProperty("missingCount").GetInt64(), root.GetProperty("duplicatedCount").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        try
        {
            foreach (var process in _all)
            {
                try
                {
                    await process.DisposeAsync();
                }
                catch (Exception)
                {
                    // Its namespace's cleanup below kills it by pid if it still runs.
                }
            }
        }
        finally
        {
            _network.Dispose();
            // Azurite's data (the uploaded dataset, hundreds of MB in the full drill) goes; the logs stay.
            try
            {
                Directory.Delete(Path.Combine(Folder, "azurite"), recursive: true);
            }
            catch (IOException)
            {
                // Already gone, or never made.
            }
        }
    }
}

public sealed record DrillSettings(int Silos, int Images, int ShardSize, TimeSpan LeaseDuration, TimeSpan StorageOutage, TimeSpan JobTimeout);

public sealed record DrillStatus(string State, int ShardsDone, int ShardsTotal, long ImagesTotal, long ImagesFailed, bool PlanningComplete, string? Reason)
{
    public bool IsTerminal => State is "Succeeded" or "Failed" or "Cancelled";
}

public sealed record VerifyReport(int ExitCode, long DatasetImages, long Rows, long ErrorRows, long Missing, long Duplicated);
