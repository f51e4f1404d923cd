using Fleet.Contracts;
using Fleet.Silo;
using Fleet.Storage.Azurite;
using Fleet.Storage.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Fleet.Testing;

/// <summary>Azurite plus one real Fleet silo (the same hosting code the CLI and Fleet.Silo use), shared by a test class.</summary>
public sealed class FleetSiloFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private IHost? _host;

    public AzuriteInstance Azurite => _azurite.Instance;

    public IClusterClient Client => _host!.Services.GetRequiredService<IClusterClient>();

    /// <summary>The silo's gateway, for clients in other hosts (the API).</summary>
    public int GatewayPort { get; private set; }

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("FLEET_MODEL_MIRROR", TestPaths.ModelMirror);
        await _azurite.InitializeAsync();
        var ports = FreePorts.Take(2);
        GatewayPort = ports[1];
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // A silo behind the API: local paths only under the test folders and the data mirror.
        builder.Configuration[$"{IntakeOptions.SectionName}:LocalRoots:0"] = TestPaths.TempRoot;
        builder.Configuration[$"{IntakeOptions.SectionName}:LocalRoots:1"] = TestPaths.DataMirror;
        builder.AddFleetSilo(new FleetSiloOptions
        {
            StorageConnectionString = _azurite.ConnectionString,
            SiloPort = ports[0],
            GatewayPort = ports[1],
        });
        _host = builder.Build();
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
