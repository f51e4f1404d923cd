using System.Diagnostics;
using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

/// <summary>Runs the built `fleet` CLI as a user would: a separate process, its exit code, stdout and stderr.</summary>
public static class FleetCli
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    private static string CliDll()
    {
        // Same configuration as this test assembly (bin/<Configuration>/net10.0).
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(TestPaths.RepoRoot, "src", "Fleet.Cli", "bin", configuration, "net10.0", "fleet.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build Fleet.Cli first", dll);
    }

    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliDll());
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["FLEET_MODEL_MIRROR"] = TestPaths.ModelMirror;
        start.Environment["FLEET_DATA_MIRROR"] = TestPaths.DataMirror;
        start.Environment["FLEET_TOOLS_ROOT"] = TestPaths.RepoRoot;
        start.Environment.Remove("FLEET_STORAGE");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
