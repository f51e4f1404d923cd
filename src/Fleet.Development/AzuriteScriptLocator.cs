namespace Fleet.Development;

/// <summary>Finds node_modules/azurite/dist/src/azurite.js, installed by `npm ci` at the repository root.</summary>
public static class AzuriteScriptLocator
{
    public const string RelativeScript = "node_modules/azurite/dist/src/azurite.js";

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
                var candidate = Path.Combine(dir.FullName, RelativeScript);
                if (File.Exists(candidate))
                    return candidate;
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
