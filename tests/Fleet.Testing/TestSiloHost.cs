using Fleet.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Testing;

/// <summary>
/// A Fleet silo host built by the production hosting code from configuration alone, as Fleet.Silo builds one: tests
/// configure the host (the mirrors included), never the process.
/// </summary>
public static class TestSiloHost
{
    /// <summary>The mirrors every test silo reads models and samples from.</summary>
    public static Dictionary<string, string?> MirrorSettings() => new()
    {
        ["Fleet:Models:MirrorDirectory"] = TestPaths.ModelMirror,
        ["Fleet:Samples:MirrorRoot"] = TestPaths.DataMirror,
    };

    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(MirrorSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFleetSilo();
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
