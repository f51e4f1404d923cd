using Fleet.Contracts;
using Fleet.Development;
using Fleet.Storage.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Fleet.Testing;

/// <summary>Azurite plus one real Fleet silo (the same hosting code the CLI and Fleet.Silo use), shared by a test class.</summary>
public sealed class FleetSiloFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private IHost? _host;

    public AzuriteInstance Azurite => _azurite.Instance;

    /// <summary>Settings a test class adds to its silo's (e.g. a lower registry cap).</summary>
    public IReadOnlyDictionary<string, string?> ExtraSettings { get; init; } = new Dictionary<string, string?>();

    public IClusterClient Client => _host!.Services.GetRequiredService<IClusterClient>();

    /// <summary>The silo's gateway, for clients in other hosts (the API).</summary>
    public int GatewayPort { get; private set; }

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var ports = FreePorts.Take(2);
        GatewayPort = ports[1];
        // A silo behind the API: local paths only under the test folders and the data mirror.
        _host = TestSiloHost.Build(new Dictionary<string, string?>
        {
            ["Fleet:Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Fleet:Silo:SiloPort"] = ports[0].ToString(),
            ["Fleet:Silo:GatewayPort"] = ports[1].ToString(),
            [$"{IntakeOptions.SectionName}:LocalRoots:0"] = TestPaths.TempRoot,
            [$"{IntakeOptions.SectionName}:LocalRoots:1"] = TestPaths.DataMirror,
        }.Concat(ExtraSettings));
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        await _azurite.DisposeAsync();
    }

    /// <summary>Submits and waits until the job ends (or fails the test after <paramref name="timeout"/>).</summary>
    public async Task<JobStatus> RunAsync(string jobId, JobSpec spec, TimeSpan? timeout = null)
    {
        var job = Client.GetGrain<IJobGrain>(jobId);
        var submitted = await job.Submit(spec);
        Assert.True(submitted.Accepted, submitted.Status.Reason);
        return await WaitAsync(job, timeout ?? TimeSpan.FromMinutes(3));
    }

    public static async Task<JobStatus> WaitAsync(IJobGrain job, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var status = await job.GetStatus();
            if (status.State.IsTerminal())
                return status;
            await Task.Delay(100, cts.Token);
        }
    }
}
