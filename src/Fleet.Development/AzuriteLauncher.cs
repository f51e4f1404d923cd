using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Development;

/// <summary>
/// Starts Azurite (blob, queue, table) from node_modules on free loopback ports and waits until it answers.
/// One launcher for tests and the CLI, so both run storage the same way.
/// </summary>
public static class AzuriteLauncher
{
    public static async Task<AzuriteInstance> StartAsync(AzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteOptions();
        var instance = Launch(options);
        await WaitUntilReadyAsync(instance, options, cancellationToken).ConfigureAwait(false);
        return instance;
    }

    /// <summary>
    /// Starts the Azurite process on free ports and returns at once: its connection string is known before it answers,
    /// so a caller can build (not start) what needs it meanwhile. Then <see cref="WaitUntilReadyAsync"/>.
    /// </summary>
    public static AzuriteInstance Launch(AzuriteOptions? options = null)
    {
        options ??= new AzuriteOptions();
        var script = AzuriteScriptLocator.Locate(options.ToolsRoot);
        var ports = FreePorts.Take(3);

        var startInfo = new ProcessStartInfo(options.NodeExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in BuildArguments(script, ports, options.Location))
            startInfo.ArgumentList.Add(arg);
        if (options.Location is not null)
            Directory.CreateDirectory(options.Location);

        var log = new StringBuilder();
        var closed = new AzuriteShutdownWatch();
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(log, closed, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, closed, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new AzuriteNotAvailableException(
                $"Could not start '{options.NodeExecutable}' to run Azurite: {e.Message}. Install Node.js 20 or newer, or set FLEET_STORAGE to a storage connection string.", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AzuriteInstance(process, ports[0], ports[1], ports[2], () => Snapshot(log), closed.AllClosed);
    }

    /// <summary>Waits until all three services of a <see cref="Launch"/>ed Azurite answer; on failure stops it and throws.</summary>
    public static async Task WaitUntilReadyAsync(AzuriteInstance instance, AzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await WaitUntilListeningAsync(instance, [instance.BlobPort, instance.QueuePort, instance.TablePort],
                (options ?? new AzuriteOptions()).StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static IEnumerable<string> BuildArguments(string script, int[] ports, string? location)
    {
        yield return "--require";
        yield return ParentWatchdog.EnsureScript();
        yield return script;
        yield return "--blobHost";
        yield return "127.0.0.1";
        yield return "--blobPort";
        yield return ports[0].ToString();
        yield return "--queueHost";
        yield return "127.0.0.1";
        yield return "--queuePort";
        yield return ports[1].ToString();
        yield return "--tableHost";
        yield return "127.0.0.1";
        yield return "--tablePort";
        yield return ports[2].ToString();
        // Azure.Storage.Blobs 12.30 speaks a newer API version than Azurite 3.37 knows.
        yield return "--skipApiVersionCheck";
        yield return "--loose";
        yield return "--disableProductStyleUrl";
        yield return "--disableTelemetry";
        yield return "--silent";
        if (location is null)
        {
            yield return "--inMemoryPersistence";
        }
        else
        {
            yield return "--location";
            yield return location;
        }
    }

    private static async Task WaitUntilListeningAsync(AzuriteInstance instance, int[] ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in ports)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (instance.HasExited)
                    throw new AzuriteNotAvailableException($"Azurite exited during start-up: {instance.Output}");
                if (await AnswersAsync(port, cancellationToken).ConfigureAwait(false))
                    break;
                if (DateTime.UtcNow > deadline)
                    throw new AzuriteNotAvailableException($"Azurite did not answer on port {port} within {timeout.TotalSeconds:0} s: {instance.Output}");
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static void Append(StringBuilder log, AzuriteShutdownWatch closed, string? line)
    {
        if (line is null)
            return;
        closed.Observe(line);
        lock (log)
        {
            if (log.Length < 16_384)
                log.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
            return log.ToString().Trim();
    }
}
