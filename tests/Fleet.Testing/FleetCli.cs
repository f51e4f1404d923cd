using System.Diagnostics;

namespace Fleet.Testing;

/// <summary>Runs the built `fleet` CLI as a user would: a separate process, its exit code, stdout and stderr.</summary>
public static class FleetCli
{
    /// <summary>How the process ended; <c>PeakMemoryBytes</c> is its resident high-water mark (VmHWM), last read just before it exited.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError, long PeakMemoryBytes = 0);

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
        long peak = 0;
        try
        {
            // VmHWM only grows, so the last reading before exit is the run's peak give or take the last 50 ms.
            var exited = process.WaitForExitAsync(cts.Token);
            while (!exited.IsCompleted)
            {
                peak = Math.Max(peak, ResidentHighWaterMark(process.Id));
                await Task.WhenAny(exited, Task.Delay(50, cts.Token));
            }
            await exited;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr, peak);
    }

    private static long ResidentHighWaterMark(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // it just exited
        }
    }
}
