using System.Diagnostics;

namespace Fleet.Development;

/// <summary>A running Azurite process; disposing stops it (and its children) cleanly.</summary>
public sealed class AzuriteInstance : IAsyncDisposable
{
    // Azurite's well-known development account; public by design.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly Func<string> _log;
    private readonly Task _servicesClosed;

    internal AzuriteInstance(Process process, int blobPort, int queuePort, int tablePort, Func<string> log, Task servicesClosed)
    {
        _process = process;
        _log = log;
        _servicesClosed = servicesClosed;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public bool HasExited => _process.HasExited;

    /// <summary>What Azurite printed so far (for error messages).</summary>
    public string Output => _log();

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Ask first, so Azurite flushes its metadata to --location. It prints "... successfully closed" for each
            // service once that service's stores are closed (saved); after that nothing is left to lose. Node itself then
            // lingers (Azurite's own timers kept it ~10 s, our stdin watchdog for good), which was the 10 s every
            // `fleet run` spent after printing its result: wait for the three lines, not for the exit.
            if (!_process.HasExited && PosixSignals.TryTerminate(_process.Id))
            {
                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await Task.WhenAny(_process.WaitForExitAsync(graceful.Token), _servicesClosed).ConfigureAwait(false);
                    graceful.Token.ThrowIfCancellationRequested();
                }
                catch (OperationCanceledException)
                {
                    // Fall through to the kill below.
                }
            }
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            // It ignored the kill for 10 s; nothing more we can do without leaking the caller.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
