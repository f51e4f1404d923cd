using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>Rate limits per principal (<see cref="PrincipalRateLimits"/>), caps on event streams, and small request bodies and URIs (<see cref="ApiProtectionOptions"/>).</summary>
public static class ApiProtection
{
    public static IHostApplicationBuilder AddFleetApiProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiProtectionOptions>().BindConfiguration(ApiProtectionOptions.SectionName)
            .Validate(o => o.MaxEventStreams > 0 && o.MaxEventStreamsPerPrincipal > 0 && o.MaxRequestBodyBytes > 0 && o.MaxUriLength > 0 && o.MaxListLimit > 0,
                "Fleet:Api:Limits values must be positive")
            .ValidateOnStart();
        var limits = builder.Configuration.GetSection(ApiProtectionOptions.SectionName).Get<ApiProtectionOptions>() ?? new ApiProtectionOptions();
        builder.AddFleetRateLimits(limits);
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
}
