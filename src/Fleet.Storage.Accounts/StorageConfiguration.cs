using Microsoft.Extensions.Configuration;

namespace Fleet.Storage;

/// <summary>
/// The one rule for where Fleet's storage is, used by the silo, the API and the CLI: Fleet:Storage (a connection string,
/// or service URIs + identity), with Aspire's ConnectionStrings:fleet-storage when Fleet:Storage names no connection string.
/// FLEET_STORAGE reaches Fleet:Storage:ConnectionString through the hosts' environment aliases.
/// </summary>
public static class StorageConfiguration
{
    public const string AspireConnectionName = "fleet-storage";

    public static StorageSettings GetStorageSettings(this IConfiguration configuration)
    {
        var settings = configuration.GetSection(StorageSettings.SectionName).Get<StorageSettings>() ?? new StorageSettings();
        if (!settings.UsesConnectionString && configuration.GetConnectionString(AspireConnectionName) is { Length: > 0 } aspire)
            settings = settings with { ConnectionString = aspire };
        return settings;
    }
}
