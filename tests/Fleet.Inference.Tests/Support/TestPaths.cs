namespace Fleet.Inference.Tests.Support;

/// <summary>The repo and the shared mirrors next to it; shared files are read in place, never copied into the repo.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding Fleet.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    public static string CatalogFile => Path.Combine(RepositoryRoot, "models", "catalog.json");

    public static string Fixtures => Path.Combine(RepositoryRoot, "tests", "fixtures");

    /// <summary><c>FLEET_MODEL_MIRROR</c>, else <c>&lt;repo&gt;/../shared/models</c>.</summary>
    public static string ModelMirror => Existing(Environment.GetEnvironmentVariable("FLEET_MODEL_MIRROR"), "models", "FLEET_MODEL_MIRROR");

    /// <summary><c>FLEET_DATA_MIRROR</c>, else <c>&lt;repo&gt;/../shared/data</c>.</summary>
    public static string DataMirror => Existing(Environment.GetEnvironmentVariable("FLEET_DATA_MIRROR"), "data", "FLEET_DATA_MIRROR");

    private static string Existing(string? fromEnvironment, string sharedFolder, string variable)
    {
        var path = string.IsNullOrWhiteSpace(fromEnvironment)
            ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", sharedFolder))
            : fromEnvironment;
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"The shared {sharedFolder} mirror is not at {path}; set {variable}.");
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"No Fleet.sln above {AppContext.BaseDirectory}.");
    }
}
