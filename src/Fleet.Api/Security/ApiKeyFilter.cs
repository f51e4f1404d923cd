using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>
/// Rejects a request without the right API key (401, problem details). Keys are compared as SHA-256 digests in
/// constant time, so neither the length nor the content leaks through timing; the key is never logged.
/// </summary>
public sealed class ApiKeyFilter(IOptions<ApiKeyOptions> options) : IEndpointFilter
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Key));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = context.HttpContext.Request.Headers[ApiKeyOptions.HeaderName].ToString();
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        if (given.Length == 0 || !CryptographicOperations.FixedTimeEquals(digest, _expected))
        {
            return TypedResults.Problem(
                title: "Unauthorized",
                detail: given.Length == 0 ? $"the {ApiKeyOptions.HeaderName} header is missing" : $"the {ApiKeyOptions.HeaderName} header is wrong",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        return await next(context);
    }
}
