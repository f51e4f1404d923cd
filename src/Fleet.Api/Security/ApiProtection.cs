using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>Per-client rate limits, a cap on event streams, and small request bodies and URIs (<see cref="ApiProtectionOptions"/>).</summary>
public static class ApiProtection
{
    public const string EventStreamsPolicy = "event-streams";

    public static IHostApplicationBuilder AddFleetApiProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiProtectionOptions>().BindConfiguration(ApiProtectionOptions.SectionName)
            .Validate(o => o.RequestsPerMinute > 0 && o.MaxEventStreams > 0 && o.MaxEventStreamsPerPrincipal > 0 && o.MaxRequestBodyBytes > 0 && o.MaxUriLength > 0 && o.MaxListLimit > 0,
                "Fleet:Api:Limits values must be positive")
            .ValidateOnStart();
        var limits = builder.Configuration.GetSection(ApiProtectionOptions.SectionName).Get<ApiProtectionOptions>() ?? new ApiProtectionOptions();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Keyed by who the client is when known (each principal its own bucket, one key from many addresses one
            // bucket), else by its address; event streams are held per principal too, so one principal's open
            // streams never use up another's.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
                    ClientKey(context),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsEventStream(context)
                    ? RateLimitPartition.GetConcurrencyLimiter(ClientKey(context), _ => new ConcurrencyLimiterOptions { PermitLimit = limits.MaxEventStreamsPerPrincipal, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("")));
            o.AddConcurrencyLimiter(EventStreamsPolicy, c =>
            {
                c.PermitLimit = limits.MaxEventStreams;
                c.QueueLimit = 0;
            });
        });
        return builder;
    }

    /// <summary>Refuses long URIs (414) and large bodies (413) before anything reads them.</summary>
    public static IApplicationBuilder UseFleetRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<ApiProtectionOptions>>().Value;
        var request = context.Request;
        if ((request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0) > limits.MaxUriLength)
        {
            context.Response.StatusCode = StatusCodes.Status414UriTooLong;
            return;
        }
        if (request.ContentLength > limits.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        // A body without a length (chunked) is cut off by the server at the same size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
            body.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        await next(context);
    });

    private static bool IsEventStream(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true;

    private static string ClientKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && context.User.Identity.Name is { } name
            ? $"user:{name}"
            : $"ip:{context.Connection.RemoteIpAddress}";
}
