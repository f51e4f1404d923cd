using Microsoft.Extensions.Configuration;

namespace Fleet.ServiceDefaults;

/// <summary>
/// Where a host's telemetry goes, read from the variables the platforms set: OTEL_EXPORTER_OTLP_ENDPOINT (the Aspire
/// dashboard, locally and on Azure) and APPLICATIONINSIGHTS_CONNECTION_STRING (Application Insights, set by infra/).
/// Either, both or neither; with neither no spans are made at all (nothing would read them).
/// </summary>
public sealed record TelemetryExporters(bool Otlp, string? AzureMonitorConnectionString)
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string AzureMonitorKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public bool AzureMonitor => AzureMonitorConnectionString is not null;

    public bool Any => Otlp || AzureMonitor;

    public static TelemetryExporters From(IConfiguration configuration) => new(
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]),
        configuration[AzureMonitorKey] is { Length: > 0 } connection && !string.IsNullOrWhiteSpace(connection) ? connection : null);
}
