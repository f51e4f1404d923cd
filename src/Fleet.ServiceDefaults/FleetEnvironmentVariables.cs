using Microsoft.Extensions.Configuration;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The short environment variables users type (FLEET_STORAGE, FLEET_MODEL_MIRROR, …) as the configuration keys the
/// options bind from. The one place they are read: libraries bind options, hosts add this source. Lowest precedence,
/// so an explicit key (appsettings, Fleet__… variables, command line) wins over its short name.
/// </summary>
public static class FleetEnvironmentVariables
{
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["FLEET_STORAGE"] = "Fleet:Storage:ConnectionString",
        ["FLEET_MODEL_MIRROR"] = "Fleet:Models:MirrorDirectory",
        ["FLEET_MODEL_CACHE"] = "Fleet:Models:CacheDirectory",
        ["FLEET_MODEL_CATALOG"] = "Fleet:Models:Catalog",
        ["FLEET_DATA_MIRROR"] = "Fleet:Samples:MirrorRoot",
        ["FLEET_DATA_CACHE"] = "Fleet:Samples:CacheRoot",
        ["FLEET_API_KEY"] = "Fleet:Api:Key",
        ["FLEET_TOOLS_ROOT"] = "Fleet:Development:ToolsRoot",
    };

    /// <summary>Adds the short variables under their keys, beneath every other source.</summary>
    public static IConfigurationManager AddFleetEnvironmentVariables(this IConfigurationManager configuration)
    {
        configuration.Sources.Insert(0, new Source());
        return configuration;
    }

    /// <summary>The same for a plain builder (the CLI's commands that host nothing).</summary>
    public static IConfigurationBuilder AddFleetEnvironmentVariables(this IConfigurationBuilder configuration) => configuration.Add(new Source());

    private sealed class Source : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();
    }

    private sealed class Provider : ConfigurationProvider
    {
        public override void Load()
        {
            foreach (var (variable, key) in Keys)
            {
                if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
                    Data[key] = value;
            }
        }
    }
}
