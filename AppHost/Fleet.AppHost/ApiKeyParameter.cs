using System.Security.Cryptography;
using System.Text;

namespace Fleet.AppHost;

/// <summary>
/// The local fleet's API key: FLEET_API_KEY or Parameters:api-key when set, else one generated on first run and kept
/// in ./.fleet/api-key, so `export FLEET_API_KEY=$(cat .fleet/api-key)` lets the CLI in.
/// </summary>
public static class ApiKeyParameter
{
    // Without a byte order mark: `$(cat .fleet/api-key)` passes the file's bytes, and a BOM made the header wrong (401).
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static IResourceBuilder<ParameterResource> AddApiKey(this IDistributedApplicationBuilder builder, string repoRoot)
    {
        var configured = Environment.GetEnvironmentVariable("FLEET_API_KEY") ?? builder.Configuration["Parameters:api-key"];
        return builder.AddParameter("api-key", configured ?? LocalKey(repoRoot), secret: true);
    }

    /// <summary>
    /// The named keys of a team (Fleet:Api:Keys:{name}:Key and :Role, e.g. Fleet__Api__Keys__alice__Key in the AppHost's
    /// environment or its user secrets) passed through to the API, each key a secret parameter of its own.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithNamedApiKeys(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder)
    {
        foreach (var named in builder.Configuration.GetSection("Fleet:Api:Keys").GetChildren())
        {
            if (named["Key"] is { Length: > 0 } key)
                api.WithEnvironment($"Fleet__Api__Keys__{named.Key}__Key", builder.AddParameter($"api-key-{named.Key}", key, secret: true));
            if (named["Role"] is { Length: > 0 } role)
                api.WithEnvironment($"Fleet__Api__Keys__{named.Key}__Role", role);
        }
        return api;
    }

    private static string LocalKey(string repoRoot)
    {
        var path = Path.Combine(repoRoot, ".fleet", "api-key");
        if (File.Exists(path))
            return ExistingKey(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        // Created owner-only (0600) before the key is written, so it is never readable by others, not even briefly.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path, NoBom, options))
            writer.Write(key);
        return key;
    }

    /// <summary>The kept key; a file an earlier version wrote with a BOM is rewritten without it (same key, same mode).</summary>
    private static string ExistingKey(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var key = NoBom.GetString(bytes).TrimStart('\uFEFF').Trim();
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble))
            File.WriteAllText(path, key, NoBom);
        return key;
    }
}
