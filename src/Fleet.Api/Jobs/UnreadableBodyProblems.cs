using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Contracts;
using Microsoft.AspNetCore.Diagnostics;

namespace Fleet.Api.Jobs;

/// <summary>
/// A request the endpoints cannot bind is a 400 that says which field and why, like every other bad spec. Without it,
/// <c>"topK": 1e9</c> (a number, but no JSON int to the serializer) was a 500 in development and a bodiless 400
/// elsewhere; now it is <c>errors["topK"] = "must be between 1 and 100 ..."</c>, the validator's own rule.
/// </summary>
public static partial class UnreadableBodyProblems
{
    public static IHostApplicationBuilder AddFleetUnreadableBodyProblems(this IHostApplicationBuilder builder)
    {
        // Binding failures throw (in every environment) so the handler below sees the JsonException and its path.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<Handler>();
        return builder;
    }

    /// <summary>field -> reason for a body the serializer refused; the value sent is never echoed (it may be a secret).</summary>
    internal static Dictionary<string, string[]> Describe(JsonException e)
    {
        // A syntax error is the reader's (JsonReaderException, internal to System.Text.Json); its path is only where the
        // reader stopped, so it names the body, not a field.
        if (e.InnerException?.GetType().Name == "JsonReaderException" || Field(e.Path) is not { } field)
            return new() { ["body"] = [$"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"] };
        var reason = JobSpecValidator.WholeNumberRules.TryGetValue(field, out var rule)
            ? $"{rule}, as a whole number without a fraction or an exponent (the value sent is not one)"
            : "is not a value this field takes (the OpenAPI document gives its type)";
        return new() { [field] = [reason] };
    }

    /// <summary>"$.Caption.TopK" as the validator names it ("caption.topK"); null for anything but a short path of names.</summary>
    private static string? Field(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal) || path.Length > 100 || !FieldPath().IsMatch(path[2..]))
            return null;
        return string.Join('.', path[2..].Split('.').Select(name => char.ToLowerInvariant(name[0]) + name[1..]));
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$")]
    private static partial Regex FieldPath();

    private sealed class Handler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
                return false;
            var problem = bad.InnerException is JsonException json
                ? new HttpValidationProblemDetails(Describe(json)) { Title = "The request body is not valid" }
                : new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "The request could not be read", Detail = "a body, route, query or header value is missing or not of its type" };
            problem.Status = bad.StatusCode;
            http.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
        }
    }
}
