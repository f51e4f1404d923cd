using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>OpenTelemetry (Fleet and Orleans meters and sources; OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set) and health checks.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddRuntimeInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(FleetTelemetry.Meters))
            .WithTracing(tracing => tracing
                .AddHttpClientInstrumentation()
                .AddSource(FleetTelemetry.Sources));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        builder.Services.AddHealthChecks();
        return builder;
    }
}
