using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace Fleet.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog for every host: settings from the Serilog configuration section, console output unless
    /// <paramref name="logFile"/> is given (the CLI keeps the terminal for its progress bar and logs to a file).
    /// </summary>
    public static IHostApplicationBuilder AddFleetLogging(this IHostApplicationBuilder builder, string? logFile = null, LogEventLevel consoleLevel = LogEventLevel.Information)
    {
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Information()
                .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .Enrich.FromLogContext();
            if (logFile is null)
                logger.WriteTo.Console(restrictedToMinimumLevel: consoleLevel, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            else
                logger.WriteTo.File(logFile, formatProvider: System.Globalization.CultureInfo.InvariantCulture, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 7, shared: true);
        });
        return builder;
    }
}
