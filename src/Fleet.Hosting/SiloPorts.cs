using System.Net;
using System.Net.Sockets;

namespace Fleet.Hosting;

/// <summary>Port 0 in the silo options means "any free port": several silos on one machine (Aspire replicas, embedded silos).</summary>
internal static class SiloPorts
{
    public static int Resolve(int configured)
    {
        if (configured != 0)
            return configured;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
