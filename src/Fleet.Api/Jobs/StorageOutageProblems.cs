using System.Net.Sockets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;
using Microsoft.AspNetCore.Diagnostics;

namespace Fleet.Api.Jobs;

/// <summary>
/// The fleet's blob storage down (its retries spent, its circuit open) is a 503 with <c>Retry-After</c> and a problem that
/// says to try again, not a 500: the request was fine, storage was not. The body names no account, URI or SAS: the
/// storage error's own message (which may) goes only to the log, redacted.
/// </summary>
public static class StorageOutageProblems
{
    /// <summary>Seconds a client is told to wait (<c>Retry-After</c>): about as long as the breaker stays open and its retries take.</summary>
    public const int RetryAfterSeconds = 30;

    public const string Title = "Storage unavailable";

    public const string Detail = "The fleet's storage cannot be reached right now. The request itself is fine: retry it after the Retry-After interval.";

    public static IHostApplicationBuilder AddFleetStorageOutageProblems(this IHostApplicationBuilder builder)
    {
        builder.Services.AddExceptionHandler<Handler>();
        return builder;
    }

    /// <summary>
    /// True when <paramref name="exception"/> says the fleet's storage is down (<see cref="StorageUnavailableException.IsOutage"/>):
    /// a <see cref="StorageUnavailableException"/>, the open circuit, a storage call's transient failure or timeout that outlived
    /// the retries. Not a bare IO, socket or HTTP error: outside a storage call (a local disk, a photo's own host) it says
    /// nothing about the fleet's storage, and <see cref="StorageUnavailableException.IsOutage"/> counts those as transient only
    /// because, inside a storage call, they are.
    /// </summary>
    public static bool IsStorageOutage(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageOutage),
        IOException or SocketException or HttpRequestException => false,
        _ => StorageUnavailableException.IsOutage(exception),
    };

    private sealed class Handler(IProblemDetailsService problems, ILogger<Handler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            if (!IsStorageOutage(exception))
                return false;
            // Handled exceptions are not logged by the middleware: say here what storage answered, less its secrets. The
            // exception stays out of the problem context too, so no writer can put its message in the body.
            logger.LogWarning("{Method} {Path}: storage unavailable, answered 503 ({Type}: {Reason})",
                http.Request.Method, http.Request.Path.Value, exception.GetType().Name, SecretRedactor.Text(exception.Message));
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = Title,
                Detail = Detail,
            };
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        }
    }
}
