using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serilog;
using Serilog.Events;

namespace Fleet.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog for every host: settings from the Serilog configuration section, console output unless
    /// <paramref name="logFile"/> is given (the CLI keeps the terminal for its progress bar and logs to a file).
    /// With an OTLP endpoint (the Aspire dashboard) Serilog also hands every event on to the other logger providers,
    /// OpenTelemetry's among them, so the dashboard shows structured logs; the host's own console provider is removed
    /// first, so the console still shows each line once (Serilog's). The same with Application Insights
    /// (APPLICATIONINSIGHTS_CONNECTION_STRING): its log exporter is an OpenTelemetry one. Console lines are JSON where
    /// Fleet:Logging:ConsoleFormat is json (<see cref="ConsoleLogFormat"/>).
    /// </summary>
    public static IHostApplicationBuilder AddFleetLogging(this IHostApplicationBuilder builder, string? logFile = null, LogEventLevel consoleLevel = LogEventLevel.Information)
    {
        var toProviders = TelemetryExporters.From(builder.Configuration).Any;
        var json = ConsoleLogFormat.From(builder.Configuration);
        foreach (var console in builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
            builder.Services.Remove(console);
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Information()
                .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .Enrich.FromLogContext();
            if (logFile is null && json is not null)
                logger.WriteTo.Console(json, restrictedToMinimumLevel: consoleLevel);
            else if (logFile is null)
                logger.WriteTo.Console(restrictedToMinimumLevel: consoleLevel, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            else
                logger.WriteTo.File(logFile, formatProvider: System.Globalization.CultureInfo.InvariantCulture, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 7, shared: true);
        }, writeToProviders: toProviders);
        return builder;
    }
}
