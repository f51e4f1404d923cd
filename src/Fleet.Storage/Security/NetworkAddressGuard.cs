using System.Net;
using System.Net.Sockets;

namespace Fleet.Storage.Security;

/// <summary>
/// Decides which IP addresses an http(s) download may connect to, and connects (a <see cref="SocketsHttpHandler.ConnectCallback"/>):
/// the check runs on the addresses actually dialled, after DNS, so a name that resolves to an internal address (or
/// changes between a check and the connect) cannot reach one.
/// </summary>
public sealed class NetworkAddressGuard(bool allowLoopback, bool allowPrivateNetworks)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            // The addresses are not named: an error row must not map the fleet's internal network for whoever reads it.
            throw new IntakePolicyException(
                $"'{endpoint.Host}' resolves only to addresses the intake policy does not allow (loopback, private, link-local, metadata or translated addresses)");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address))
            return allowLoopback;
        if (IsNeverReachable(address))
            return false;
        return allowPrivateNetworks || !IsInternal(address);
    }

    /// <summary>Unspecified (0.0.0.0 reaches this host), broadcast and multicast: never a dataset.</summary>
    private static bool IsNeverReachable(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] == 0 || b[0] >= 224;
    }

    /// <summary>
    /// Private (RFC 1918), shared (100.64/10), link-local (169.254/16: cloud metadata), Azure's WireServer
    /// (168.63.129.16: the host agent and DNS, reachable from every Azure VM), unique-local and site-local IPv6, and the
    /// IPv6 forms that carry an IPv4 address a translator or stack may dial (NAT64 64:ff9b::/96 and 64:ff9b:1::/48,
    /// IPv4-compatible ::/96), whichever IPv4 address they embed.
    /// </summary>
    private static bool IsInternal(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || IsIPv4Translated(b);
        return (b[0] == 168 && b[1] == 63 && b[2] == 129 && b[3] == 16)
            || b[0] == 10
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)
            || (b[0] == 198 && b[1] is 18 or 19);
    }

    private static bool IsIPv4Translated(byte[] b)
    {
        var nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b;
        var wellKnown = nat64 && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        var localUse = nat64 && b[4] == 0x00 && b[5] == 0x01;
        var compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        return wellKnown || localUse || compatible;
    }
}
