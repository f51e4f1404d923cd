using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Fleet.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// OpenTelemetry (Fleet and Orleans meters and sources, ASP.NET Core server spans) and health checks. Traces and
    /// exporters only where <see cref="TelemetryExporters"/> names one: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the
    /// Aspire dashboard sets it), Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is (infra/ sets it), as
    /// Aspire's ServiceDefaults template does.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var exporters = TelemetryExporters.From(builder.Configuration);
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddRuntimeInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(FleetTelemetry.Meters));
        if (exporters.Any)
        {
            // With nowhere to send them, spans would still be created and sampled for every grain call on both ends
            // and every storage request, then dropped (docs/benchmarks.md, section 3).
            otel.WithTracing(tracing => tracing
                // The API's server span is the root of a job's trace (POST /jobs); probes would only add noise.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !HealthEndpoints.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(FleetTelemetry.Sources));
            if (exporters.Otlp)
                otel.UseOtlpExporter();
            if (exporters.AzureMonitorConnectionString is { } connection)
                otel.UseAzureMonitorExporter(o => o.ConnectionString = connection);
        }
        builder.Services.AddFleetHealthChecks();
        return builder;
    }
}
