using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Deploy.Tests;

/// <summary>
/// Orleans' silo (11111+i) and gateway (30000+i) ports carry no TLS: the compiled template's NSG on the silos' subnet,
/// evaluated as Azure evaluates one (rules by priority, first match wins, then the default rules every NSG has:
/// AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500), lets only the silos' and the
/// API's subnets reach them, and keeps what Microsoft documents a workload-profiles environment needs inbound.
/// </summary>
public sealed partial class NetworkSecurityTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    // Azure's host address: the AzureLoadBalancer tag, and (as "the virtual IP of the host") inside VirtualNetwork.
    private static readonly IPAddress HostVip = IPAddress.Parse("168.63.129.16");

    private JsonObject Network => compiled.ModuleTemplate("network");

    private string Variable(string value) =>
        VariableReference().Match(value) is { Success: true } m ? (string)Network["variables"]![m.Groups[1].Value]! : value;

    private JsonArray Subnets =>
        compiled.ModuleResources("network").Single(r => (string?)r["type"] == "Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray();

    private string Prefix(string subnet) =>
        Variable((string)Subnets.Single(s => (string?)s!["name"] == subnet)!["properties"]!["addressPrefix"]!);

    private string AddressSpace =>
        Variable((string)compiled.ModuleResources("network").Single(r => (string?)r["type"] == "Microsoft.Network/virtualNetworks")["properties"]!["addressSpace"]!["addressPrefixes"]![0]!);

    private List<Rule> SilosRules()
    {
        var silos = Subnets.Single(s => (string?)s!["name"] == "silos")!["properties"]!;
        // No NSG on the subnet: only the default rules apply.
        var rules = new List<Rule>();
        if (silos["networkSecurityGroup"] is JsonObject reference)
        {
            var nsg = compiled.ModuleResources("network").Single(r => (string?)r["type"] == "Microsoft.Network/networkSecurityGroups");
            Assert.Contains(((string)nsg["name"]!).Trim('[', ']'), (string)reference["id"]!);
            rules.AddRange(nsg["properties"]!["securityRules"]!.AsArray().Select(r => Rule.From(r!["properties"]!.AsObject(), Variable)));
        }
        rules.Add(new Rule(65000, "Inbound", "Allow", "*", "VirtualNetwork", "VirtualNetwork", ["*"]));
        rules.Add(new Rule(65001, "Inbound", "Allow", "*", "AzureLoadBalancer", "*", ["*"]));
        rules.Add(new Rule(65500, "Inbound", "Deny", "*", "*", "*", ["*"]));
        return rules.OrderBy(r => r.Priority).ToList();
    }

    private string Decide(string source, string destination, int port, string protocol = "Tcp")
    {
        var from = IPAddress.Parse(source);
        var to = IPAddress.Parse(destination);
        var rule = SilosRules().First(r => r.Direction == "Inbound" && r.Matches(from, to, port, protocol, Tag));
        return $"{rule.Access} ({rule.Priority})";
    }

    // Service tags as Azure defines them for this VNet (no peering, no gateway).
    private bool Tag(string prefix, IPAddress address) => prefix switch
    {
        "*" => true,
        "VirtualNetwork" => InRange(AddressSpace, address) || address.Equals(HostVip),
        "AzureLoadBalancer" => address.Equals(HostVip),
        "Internet" => !InRange(AddressSpace, address) && !address.Equals(HostVip),
        _ => InRange(prefix, address),
    };

    private static bool InRange(string cidr, IPAddress address) =>
        IPNetwork.TryParse(cidr, out var network) && network.Contains(address);

    [Fact]
    public void The_silos_subnet_has_a_network_security_group_and_the_api_subnet_none()
    {
        Assert.NotNull(Subnets.Single(s => (string?)s!["name"] == "silos")!["properties"]!["networkSecurityGroup"]);
        // The API's environment is external: its inbound traffic comes through a public IP, not the subnet.
        Assert.Null(Subnets.Single(s => (string?)s!["name"] == "api")!["properties"]!["networkSecurityGroup"]);
    }

    [Fact]
    public void Orleans_ports_are_denied_to_the_rest_of_the_vnet()
    {
        var silo = Address(Prefix("silos"), 10);
        // An address in the VNet outside both subnets (a subnet a team adds, a VPN client via the VNet's range).
        var stranger = FirstOutside();
        foreach (var port in OrleansPorts())
            Assert.StartsWith("Deny", Decide(stranger, silo, port));
        Assert.StartsWith("Deny", Decide(stranger, silo, 11111, "Udp"));
    }

    [Fact]
    public void Silos_reach_each_other_and_the_api_reaches_the_gateways()
    {
        var silo = Address(Prefix("silos"), 10);
        foreach (var port in OrleansPorts())
            Assert.StartsWith("Allow", Decide(Address(Prefix("silos"), 20), silo, port));
        foreach (var port in new[] { 30000, 30001, 30050 })
            Assert.StartsWith("Allow", Decide(Address(Prefix("api"), 5), silo, port));
    }

    [Fact]
    public void What_container_apps_needs_inbound_stays_allowed()
    {
        var silo = Address(Prefix("silos"), 10);
        // Load balancer probes on 30000-32767, and the HTTP edge (the dashboard) from the VNet: Microsoft's documented rules.
        foreach (var port in new[] { 30000, 31443, 32767 })
            Assert.StartsWith("Allow", Decide(HostVip.ToString(), silo, port));
        foreach (var port in new[] { 80, 443, 31080, 31443 })
            Assert.StartsWith("Allow", Decide(FirstOutside(), silo, port));
        // Nothing from the internet.
        Assert.StartsWith("Deny", Decide("203.0.113.7", silo, 443));
    }

    [Fact]
    public void The_rule_evaluator_sees_the_default_rules_open_the_orleans_ports_to_the_whole_vnet()
    {
        // Without the NSG's own rules (main before this change), Azure's AllowVnetInBound lets any VNet address in: the
        // finding this NSG fixes, so the checks above can fail.
        var defaults = SilosRules().Where(r => r.Priority >= 65000).ToList();
        var from = IPAddress.Parse(FirstOutside());
        var to = IPAddress.Parse(Address(Prefix("silos"), 10));
        Assert.Equal("Allow", defaults.First(r => r.Matches(from, to, 11111, "Tcp", Tag)).Access);
    }

    private IEnumerable<int> OrleansPorts()
    {
        var variables = compiled.ModuleTemplate("silos")["variables"]!;
        var silo = (int)variables["siloTargetPort"]!;
        var gateway = (int)variables["gatewayTargetPort"]!;
        var cpu = (int)variables["cpuSiloIndex"]!;
        var max = (int)compiled.Template["parameters"]!["siloCount"]!["maxValue"]!;
        return new[] { 0, 1, max - 1, cpu }.SelectMany(i => new[] { silo + i, gateway + i });
    }

    private string FirstOutside()
    {
        var space = IPNetwork.Parse(AddressSpace);
        for (var i = 1; i < 1024; i++)
        {
            var candidate = Address(space.ToString(), i * 37);
            var ip = IPAddress.Parse(candidate);
            if (!InRange(Prefix("silos"), ip) && !InRange(Prefix("api"), ip) && space.Contains(ip))
                return candidate;
        }
        throw new InvalidOperationException("no address in the VNet outside its subnets");
    }

    private static string Address(string cidr, int offset)
    {
        var bytes = IPNetwork.Parse(cidr).BaseAddress.GetAddressBytes();
        var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) + (uint)offset;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();
    }

    [GeneratedRegex(@"^\[variables\('(\w+)'\)\]$")]
    private static partial Regex VariableReference();

    private sealed record Rule(int Priority, string Direction, string Access, string Protocol, string Source, string Destination, string[] Ports)
    {
        public static Rule From(JsonObject p, Func<string, string> resolve) => new(
            (int)p["priority"]!, (string)p["direction"]!, (string)p["access"]!, (string)p["protocol"]!,
            resolve((string)p["sourceAddressPrefix"]!), resolve((string)p["destinationAddressPrefix"]!),
            p["destinationPortRanges"] is JsonArray ranges ? ranges.Select(r => (string)r!).ToArray() : [(string)p["destinationPortRange"]!]);

        public bool Matches(IPAddress from, IPAddress to, int port, string protocol, Func<string, IPAddress, bool> tag) =>
            (Protocol == "*" || string.Equals(Protocol, protocol, StringComparison.OrdinalIgnoreCase))
            && tag(Source, from) && tag(Destination, to) && Ports.Any(r => InPorts(r, port));

        private static bool InPorts(string range, int port)
        {
            if (range == "*")
                return true;
            var parts = range.Split('-');
            return parts.Length == 1 ? int.Parse(parts[0]) == port : port >= int.Parse(parts[0]) && port <= int.Parse(parts[1]);
        }
    }
}
