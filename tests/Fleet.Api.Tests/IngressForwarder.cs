using System.Net;
using System.Net.Sockets;

namespace Fleet.Api.Tests;

/// <summary>
/// What Container Apps' TCP ingress does for one exposed port: accepts on the environment's address and exposed port
/// and pipes each connection to the container's target port. Lets a test give a silo an advertised endpoint that
/// differs from the one it binds, as the deployed silo has. Loopback only.
/// </summary>
public sealed class IngressForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public IngressForwarder(IPEndPoint exposed, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(exposed);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Connections accepted so far (to show traffic went through the exposed port).</summary>
    public int Connections => Volatile.Read(ref _connections);

    private int _connections;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = PipeAsync(inbound);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        using (inbound)
        using (var outbound = new TcpClient())
        {
            try
            {
                await outbound.ConnectAsync(_target, _stop.Token);
                var a = inbound.GetStream();
                var b = outbound.GetStream();
                // Either direction ending closes both, as a proxy does.
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
