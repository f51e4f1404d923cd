using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Fleet.Deploy.Tests;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package (restored with this project, so CI needs no
/// install step). Bicep reports warnings on stderr and still exits 0, so every diagnostic line is collected.
/// </summary>
public static partial class BicepCli
{
    public static string Path { get; } = Locate();

    /// <summary>Runs bicep with <paramref name="args"/>; returns the exit code, stdout and every Warning/Error diagnostic line.</summary>
    public static async Task<BicepResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // No telemetry, and no wait for a network that is not there.
        start.Environment["BICEP_TELEMETRY_DISABLED"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var errors = await stderr;
        var diagnostics = (output + "\n" + errors).Split('\n')
            .Select(l => l.TrimEnd())
            .Where(l => Diagnostic().IsMatch(l))
            .ToList();
        return new BicepResult(process.ExitCode, output, errors, diagnostics);
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value
                   ?? throw new InvalidOperationException("BicepPath is not set: was Azure.Bicep.CommandLine.linux-x64 restored?");
        if (!File.Exists(path))
            throw new InvalidOperationException($"the Bicep CLI is not at {path}: run dotnet restore");
        // NuGet does not promise to keep the run bit when it extracts a package.
        if (OperatingSystem.IsWindows())
            return path;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode run = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & run) != run)
            File.SetUnixFileMode(path, mode | run);
        return path;
    }

    // "<file>(line,col) : Warning rule-name: message" (and Error, Info is not emitted at warning level).
    [GeneratedRegex(@"\(\d+,\d+\) : (Warning|Error) ")]
    private static partial Regex Diagnostic();
}

/// <summary>One run of the Bicep CLI.</summary>
public sealed record BicepResult(int ExitCode, string Output, string Errors, IReadOnlyList<string> Diagnostics)
{
    public string Describe() => $"exit {ExitCode}\n{string.Join('\n', Diagnostics)}\n{Errors}";
}
