namespace Fleet.Development;

/// <summary>
/// Finds Azurite, installed by `npm ci` at the repository root: the one-file bundle npm ci builds
/// (tools/azurite-bundle, ~1.3 s faster to start), else Azurite's own entry point.
/// </summary>
public static class AzuriteScriptLocator
{
    public const string RelativeScript = "node_modules/azurite/dist/src/azurite.js";

    public const string RelativeBundle = "node_modules/.fleet/azurite.js";

    public static string Locate(string? toolsRoot)
    {
        var roots = toolsRoot is not null
            ? [toolsRoot]
            : new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory };
        var tried = new List<string>();
        foreach (var root in roots.Where(r => !string.IsNullOrEmpty(r)))
        {
            for (var dir = new DirectoryInfo(root!); dir is not null; dir = dir.Parent)
            {
                // The bundle only counts beside the Azurite it was built from (npm ci rebuilds both).
                var script = Path.Combine(dir.FullName, RelativeScript);
                if (File.Exists(script))
                {
                    var bundle = Path.Combine(dir.FullName, RelativeBundle);
                    return File.Exists(bundle) ? bundle : script;
                }
                tried.Add(dir.FullName);
                if (toolsRoot is not null)
                    break;
            }
        }
        throw new AzuriteNotAvailableException(
            $"Azurite is not installed: {RelativeScript} was not found (looked in {string.Join(", ", tried.Distinct().Take(4))}...). " +
            "Run `npm ci` in the Fleet repository, or set FLEET_STORAGE to a storage connection string.");
    }
}
