using System.Diagnostics;

namespace Fleet.Drill.Tests;

/// <summary>
/// One process the drill started, optionally inside a namespace (<c>ip netns exec</c> execs the program, so the pid is
/// the program's). Its output goes to a log file that outlives it (figures are read from the logs of killed silos too).
/// Stopped only by its own pid: SIGKILL for a crash, SIGTERM for a clean stop.
/// </summary>
public sealed class DrillProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _lock = new();
    private bool _disposed;

    public DrillProcess(string name, DrillHost? host, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        Name = name;
        LogPath = logPath;
        var start = new ProcessStartInfo(host is null ? program : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (host is not null)
        {
            foreach (var arg in new[] { "netns", "exec", host.Namespace, program })
                start.ArgumentList.Add(arg);
        }
        foreach (var arg in arguments)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        _log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_lock)
            _log.WriteLine(line);
    }

    /// <summary>A crash: SIGKILL to this pid, no chance to close sockets cleanly or say goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>A clean stop: SIGTERM to this pid, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        DrillNetwork.Run("kill", "-TERM", Pid.ToString());
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>
    /// A slow host, made by the scheduler rather than the network (this kernel has no netem qdisc): SIGSTOP and SIGCONT to
    /// this pid in turn, so it runs <paramref name="run"/> of every <paramref name="run"/> + <paramref name="pause"/>,
    /// until <paramref name="cancellationToken"/>; it is always left running.
    /// </summary>
    public async Task ThrottleAsync(TimeSpan run, TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_process.HasExited)
            {
                DrillNetwork.Run("kill", "-STOP", Pid.ToString());
                await Task.Delay(pause, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                DrillNetwork.Run("kill", "-CONT", Pid.ToString());
                await Task.Delay(run, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            if (!_process.HasExited)
                DrillNetwork.Run("kill", "-CONT", Pid.ToString());
        }
    }

    public string Tail(int lines = 40)
    {
        lock (_lock)
            _log.Flush();
        var all = File.ReadAllLines(LogPath);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await KillAsync();
        _process.Dispose();
        lock (_lock)
            _log.Dispose();
    }
}
