using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Fleet.Api.Security;

/// <summary>
/// ASP.NET Core's rate limiter partitioned by principal: requests and submissions each a token bucket per principal
/// (<see cref="RateLimitOptions"/>), event streams a concurrency limit per principal and one for all. A refusal is a 429
/// with Retry-After (when the bucket knows when it refills) and problem details naming the limit.
/// </summary>
public static class PrincipalRateLimits
{
    public const string EventStreamsPolicy = "event-streams";

    public static IHostApplicationBuilder AddFleetRateLimits(this IHostApplicationBuilder builder, ApiProtectionOptions limits)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o.IsValid, $"{RateLimitOptions.SectionName} values must be positive")
            .ValidateOnStart();
        var rates = builder.Configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Every principal its own buckets (one key used from many addresses is still one bucket); event streams
            // are held per principal too, so one principal's open streams never use up another's.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => Bucket(rates.RequestsPerMinute, rates.Burst))),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsSubmission(context)
                    ? RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => Bucket(rates.SubmissionsPerMinute, rates.SubmissionBurst))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsEventStream(context)
                    ? RateLimitPartition.GetConcurrencyLimiter(ClientKey(context), _ => new ConcurrencyLimiterOptions { PermitLimit = limits.MaxEventStreamsPerPrincipal, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("")));
            o.AddConcurrencyLimiter(EventStreamsPolicy, c =>
            {
                c.PermitLimit = limits.MaxEventStreams;
                c.QueueLimit = 0;
            });
            o.OnRejected = (rejected, cancellationToken) => RejectAsync(rejected.HttpContext, rejected.Lease, rates, limits, cancellationToken);
        });
        return builder;
    }

    /// <summary>A bucket of <paramref name="burst"/> tokens refilled one at a time, <paramref name="perMinute"/> a minute.</summary>
    private static TokenBucketRateLimiterOptions Bucket(int perMinute, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
        AutoReplenishment = true,
        QueueLimit = 0,
    };

    private static async ValueTask RejectAsync(HttpContext context, RateLimitLease lease, RateLimitOptions rates, ApiProtectionOptions limits, CancellationToken cancellationToken)
    {
        string detail;
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            detail = IsSubmission(context)
                ? $"rate limit: {rates.RequestsPerMinute} requests and {rates.SubmissionsPerMinute} submissions a minute per principal ({RateLimitOptions.SectionName}); retry after {seconds} s"
                : $"rate limit: {rates.RequestsPerMinute} requests a minute per principal, bursts of {rates.Burst} ({RateLimitOptions.SectionName}:RequestsPerMinute, :Burst); retry after {seconds} s";
        }
        else
        {
            // Only the stream limits are concurrency limits: a slot frees when a stream ends, not at a known time.
            detail = $"event streams: at most {limits.MaxEventStreamsPerPrincipal} open per principal and {limits.MaxEventStreams} in all ({ApiProtectionOptions.SectionName}:MaxEventStreamsPerPrincipal, :MaxEventStreams)";
        }
        await Microsoft.AspNetCore.Http.Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context);
    }

    private static bool IsSubmission(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Value?.TrimEnd('/') == "/jobs";

    private static bool IsEventStream(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true;

    private static string ClientKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && context.User.Identity.Name is { } name
            ? $"user:{name}"
            : $"ip:{context.Connection.RemoteIpAddress}";
}
