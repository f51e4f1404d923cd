namespace Fleet.Deploy.Tests;

/// <summary>Every Bicep file under infra/ compiles and passes the linter (infra/bicepconfig.json) with no warning at all.</summary>
public sealed class BicepTests
{
    private static List<string> Files() =>
        Directory.EnumerateFiles(RepoPaths.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> BicepFiles() => new(Files());

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Compiles_without_a_warning(string file)
    {
        var result = await BicepCli.RunAsync("build", "--stdout", Path.Combine(RepoPaths.Root, file));

        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0, result.Describe());
        Assert.Contains("\"$schema\"", result.Output);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lints_clean(string file)
    {
        var result = await BicepCli.RunAsync("lint", Path.Combine(RepoPaths.Root, file));

        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0, result.Describe());
    }

    [Fact]
    public void The_template_is_a_subscription_deployment_with_modules()
    {
        var files = Files();

        Assert.Contains(Path.Combine("infra", "main.bicep"), files);
        Assert.True(files.Count(f => f.StartsWith(Path.Combine("infra", "modules"), StringComparison.Ordinal)) >= 5, string.Join(", ", files));
        Assert.Contains("targetScope = 'subscription'", File.ReadAllText(Path.Combine(RepoPaths.Infra, "main.bicep")));
    }

    [Fact]
    public async Task The_linter_configuration_turns_a_lint_finding_into_a_reported_warning()
    {
        // The checks above pass only if they can fail: the same config must flag an unused parameter.
        var folder = Directory.CreateTempSubdirectory("fleet-bicep-").FullName;
        try
        {
            File.Copy(Path.Combine(RepoPaths.Infra, "bicepconfig.json"), Path.Combine(folder, "bicepconfig.json"));
            var file = Path.Combine(folder, "unused.bicep");
            await File.WriteAllTextAsync(file, "@description('never used')\nparam unused string\n");

            var result = await BicepCli.RunAsync("lint", file);

            Assert.Contains(result.Diagnostics, d => d.Contains("Warning no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
