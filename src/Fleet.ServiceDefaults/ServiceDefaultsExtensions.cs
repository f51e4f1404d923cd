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
    /// OpenTelemetry (Fleet and Orleans meters and sources) and health checks. Traces and the OTLP exporter only when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set (the Aspire dashboard sets it).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddRuntimeInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(FleetTelemetry.Meters));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // With nowhere to send them, spans would still be created and sampled for every grain call on both ends
            // and every storage request, then dropped (docs/benchmarks.md, section 3).
            otel.WithTracing(tracing => tracing
                    .AddHttpClientInstrumentation()
                    .AddSource(FleetTelemetry.Sources))
                .UseOtlpExporter();
        }
        builder.Services.AddHealthChecks();
        return builder;
    }
}
