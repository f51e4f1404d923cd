using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaults.Tests;

/// <summary>
/// The exporters follow the variables infra/ and Aspire set. The providers are built, never started: nothing is sent,
/// and the fake connection string points at a loopback port anyway.
/// </summary>
public sealed class TelemetryExporterTests
{
    // Syntactically valid (a GUID key, an ingestion endpoint), pointing at nothing.
    private const string FakeConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://127.0.0.1:9/;LiveEndpoint=https://127.0.0.1:9/";

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        return builder.Build();
    }

    [Fact]
    public void An_Application_Insights_connection_string_registers_the_Azure_Monitor_exporter_and_tracing()
    {
        using var host = Build(new() { [TelemetryExporters.AzureMonitorKey] = FakeConnectionString });

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        var options = host.Services.GetService<IOptionsMonitor<AzureMonitorExporterOptions>>();
        Assert.NotNull(options);
        Assert.Equal(FakeConnectionString, options.Get(Options.DefaultName).ConnectionString);
    }

    [Fact]
    public void Without_a_connection_string_there_is_no_Azure_Monitor_exporter_and_no_tracing()
    {
        using var host = Build([]);

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<IOptionsMonitor<AzureMonitorExporterOptions>>()?.Get(Options.DefaultName).ConnectionString);
    }

    [Fact]
    public void OTLP_and_Azure_Monitor_together_build_one_tracer_provider()
    {
        // Aspire's dashboard on Azure (OTLP) beside Application Insights: both exporters on the same providers.
        using var host = Build(new()
        {
            [TelemetryExporters.AzureMonitorKey] = FakeConnectionString,
            [TelemetryExporters.OtlpEndpointKey] = "http://127.0.0.1:9",
        });

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.Equal(FakeConnectionString, host.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName).ConnectionString);
    }
}
