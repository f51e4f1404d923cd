namespace Fleet.Deploy.Tests;

/// <summary>The repository root (the folder with Fleet.sln above the test binaries) and its deployment files.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }
}
