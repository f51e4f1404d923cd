using System.Reflection;
using System.Security.Cryptography;

namespace Fleet.Api.OpenApi;

/// <summary>
/// The build writes docs/openapi/fleet-api.json by starting this app under GetDocument.Insider
/// (Microsoft.Extensions.ApiDescription.Server): it runs Program.cs to the end and starts the host with a server that
/// listens nowhere. No silos or storage are there, so the API starts with stand-ins that shape the document the same
/// way and serve nothing.
/// </summary>
public static class BuildTimeDocument
{
    /// <summary>The entry assembly's name while the build generates the document (as ASP.NET Core's docs check it).</summary>
    public static bool IsGenerating { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>
    /// A key so the key options validate at start, and an <see cref="IClusterClient"/> that is registered (minimal APIs
    /// then bind it from services, as in a real run, not from the body) but throws if anything ever asks for it.
    /// </summary>
    public static IHostApplicationBuilder AddBuildTimeStandIns(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Api:Key"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
        });
        builder.Services.AddSingleton<IClusterClient>(_ => throw new InvalidOperationException("build-time OpenAPI generation has no fleet to call"));
        return builder;
    }
}
