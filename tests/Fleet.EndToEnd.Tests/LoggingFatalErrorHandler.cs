using Microsoft.Extensions.Logging;

namespace Fleet.EndToEnd.Tests;

/// <summary>For in-process test clusters: logs what would have killed a silo process instead of killing the test host.</summary>
public sealed class LoggingFatalErrorHandler(ILogger<LoggingFatalErrorHandler> logger) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) =>
        logger.LogError(exception, "Fatal silo error (test host kept alive): {Context}", context);
}
