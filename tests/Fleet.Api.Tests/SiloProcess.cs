using System.Diagnostics;
using System.Text;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>
/// The built Fleet.Silo run as its own process with environment variables only, as a Container App runs it. Output is
/// kept for the failure message; the process is killed at the end.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public SiloProcess(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssembly());
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start Fleet.Silo");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    // The test project references Fleet.Silo for build order, so it is built in the same configuration as the tests.
    private static string SiloAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(TestPaths.RepoRoot, "src", "Fleet.Silo", "bin", configuration, "net10.0", "Fleet.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build src/Fleet.Silo first", path);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
