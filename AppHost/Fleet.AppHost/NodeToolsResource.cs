namespace Fleet.AppHost;

/// <summary>`npm ci` as a one-shot resource, added only when node_modules is missing or older than package-lock.json.</summary>
public static class NodeToolsResource
{
    public static IResourceBuilder<ExecutableResource>? AddNpmInstallIfNeeded(this IDistributedApplicationBuilder builder, string repoRoot)
    {
        var installed = new FileInfo(Path.Combine(repoRoot, "node_modules", ".package-lock.json"));
        var lockFile = new FileInfo(Path.Combine(repoRoot, "package-lock.json"));
        var fresh = installed.Exists && File.Exists(Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js"))
                    && installed.LastWriteTimeUtc >= lockFile.LastWriteTimeUtc;
        return fresh ? null : builder.AddExecutable("npm-ci", "npm", repoRoot, "ci", "--no-audit", "--no-fund");
    }
}
