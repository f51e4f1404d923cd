namespace Fleet.Testing;

/// <summary>The repository root and the shared mirrors (FLEET_MODEL_MIRROR / FLEET_DATA_MIRROR, else ../shared beside the repo).</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModelMirror { get; } =
        Environment.GetEnvironmentVariable("FLEET_MODEL_MIRROR") is { Length: > 0 } m ? Path.GetFullPath(m) : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "models"));

    public static string DataMirror { get; } =
        Environment.GetEnvironmentVariable("FLEET_DATA_MIRROR") is { Length: > 0 } d ? Path.GetFullPath(d) : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    public static string ImageNetSample => Path.Combine(DataMirror, "imagenet-sample-100");

    /// <summary>The folder every <see cref="NewTempFolder"/> is in (a test silo's allowed local root).</summary>
    public static string TempRoot { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "fleet-tests")).FullName;

    /// <summary>A fresh folder under the system temp directory, deleted by the caller's fixture or left for the OS.</summary>
    public static string NewTempFolder(string name)
    {
        var path = Path.Combine(TempRoot, $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 13, 60)]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }
}
