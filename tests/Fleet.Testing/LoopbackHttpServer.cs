using System.Net;
using System.Net.Sockets;

namespace Fleet.Testing;

/// <summary>A tiny HTTP server on 127.0.0.1 (a free port) that answers every request with the given callback; counts requests.</summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer(Action<HttpListenerContext> respond)
    {
        Port = RefusedPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                respond(context);
                context.Response.Close();
            }
        });
    }

    public int Port { get; }

    /// <summary>A loopback port nothing listens on: bound to find a free one, then closed, so a connect is refused.</summary>
    public static int RefusedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public int Requests => Volatile.Read(ref _requests);

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
