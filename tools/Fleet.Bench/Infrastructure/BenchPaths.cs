namespace Fleet.Bench.Infrastructure;

/// <summary>Where the checkout, the shared model/photo mirrors and the sample photos are; sets the mirrors for the engine.</summary>
internal static class BenchPaths
{
    /// <summary>The checkout: the nearest folder above the working directory (or this program) that holds Fleet.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SamplePhotos => Path.Combine(Environment.GetEnvironmentVariable("FLEET_DATA_MIRROR")!, "imagenet-sample-100");

    /// <summary>Points the engine at the offline mirrors beside the checkout unless the environment already does.</summary>
    public static void UseMirrors()
    {
        var shared = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        SetDefault("FLEET_MODEL_MIRROR", Path.Combine(shared, "models"));
        SetDefault("FLEET_DATA_MIRROR", Path.Combine(shared, "data"));
        // Azurite is found through node_modules of the checkout.
        SetDefault("FLEET_TOOLS_ROOT", RepositoryRoot);
    }

    /// <summary>Applies <c>key=value</c> settings (e.g. Fleet:Inference:IntraOpThreads=1) as environment variables, which every host here reads.</summary>
    public static void ApplySettings(IEnumerable<string> settings)
    {
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new ArgumentException($"--set needs key=value, not '{setting}'");
            Environment.SetEnvironmentVariable(setting[..equals].Replace(":", "__", StringComparison.Ordinal), setting[(equals + 1)..]);
        }
    }

    private static void SetDefault(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            Environment.SetEnvironmentVariable(name, value);
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run fleet-bench inside the Fleet checkout (no Fleet.sln found above the working directory).");
    }
}
