using System.Net;
using System.Net.Sockets;

namespace Fleet.Development;

/// <summary>Unused ports for hosts that must be told their port before they bind (a silo's peers and the API need it).</summary>
/// <remarks>
/// The ports come from below the kernel's ephemeral range. A port the OS hands out for port 0 is ephemeral, and once
/// released the kernel may give it to any outgoing connection (a test's HTTP client to Azurite) before the silo binds
/// it: CI saw "Address already in use" that way. Ports under the range are never taken implicitly, so only another
/// explicit bind can race us, and each candidate is checked by binding it on every address (as Orleans listens).
/// </remarks>
public static class FreePorts
{
    private const int Lowest = 10_000;

    public static int[] Take(int count)
    {
        var below = EphemeralRangeStart();
        var taken = new HashSet<int>();
        for (var tries = 0; taken.Count < count; tries++)
        {
            if (tries > 10_000)
                throw new InvalidOperationException($"No {count} free ports between {Lowest} and {below}.");
            var port = Random.Shared.Next(Lowest, below);
            if (!taken.Contains(port) && IsFree(port))
                taken.Add(port);
        }
        return [.. taken];
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port the kernel hands out for port 0 (Linux: ip_local_port_range; 32768 elsewhere, IANA's 49152 is higher).</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start) && start > Lowest + 1000)
                return start;
        }
        catch (IOException)
        {
        }
        return 32_768;
    }
}
