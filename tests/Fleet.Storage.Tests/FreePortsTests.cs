using System.Net;
using System.Net.Sockets;
using Fleet.Development;

namespace Fleet.Storage.Tests;

/// <summary>The ports handed to silos and Azurite: distinct, bindable on every address, and never ephemeral.</summary>
public sealed class FreePortsTests
{
    [Fact]
    public void Ports_are_distinct_bindable_and_below_the_ephemeral_range()
    {
        var ports = FreePorts.Take(20);

        Assert.Equal(20, ports.Distinct().Count());
        var ephemeralStart = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            ? int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0])
            : 32_768;
        Assert.All(ports, port => Assert.InRange(port, 10_000, ephemeralStart - 1));
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
        }
    }

    [Fact]
    public void A_port_already_bound_is_never_handed_out()
    {
        // Hold many ports, then ask for more: none of the held ones may come back.
        var held = FreePorts.Take(200).Select(port =>
        {
            var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return listener;
        }).ToList();
        try
        {
            var heldPorts = held.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToHashSet();
            Assert.DoesNotContain(FreePorts.Take(200), heldPorts.Contains);
        }
        finally
        {
            held.ForEach(l => l.Stop());
        }
    }
}
