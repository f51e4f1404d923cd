using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Fleet.Drill.Tests;

/// <summary>
/// A private network of "hosts" on this machine: one Linux bridge with an address on the host side, and one network
/// namespace per host, joined to the bridge by a veth pair, with its own address. Every name starts with this run's
/// prefix (<c>fdr</c> + 4 hex digits), so cleanup removes exactly what this run made; leftovers of runs whose process is
/// gone are removed at start. Traffic stays on the bridge's /24 and loopback. Needs root and <c>ip netns</c>.
/// </summary>
public sealed partial class DrillNetwork : IDisposable
{
    private const string Prefix = "fdr";
    private static readonly string OwnersFolder = Path.Combine(Path.GetTempPath(), "fleet-drill", "owners");

    private readonly List<DrillHost> _hosts = [];

    private DrillNetwork(string name, string subnet)
    {
        Name = name;
        Subnet = subnet;
    }

    /// <summary>This run's prefix, e.g. fdr3a9c: every namespace and link name starts with it.</summary>
    public string Name { get; }

    /// <summary>The first three octets of the /24, e.g. 10.213.57.</summary>
    public string Subnet { get; }

    public string Bridge => $"{Name}-br";

    /// <summary>The host side of the bridge: where Azurite listens and the harness reaches the hosts from.</summary>
    public string HostAddress => $"{Subnet}.1";

    /// <summary>Why namespaces cannot be made here, or null when they can (tried for real: a probe namespace is added and removed).</summary>
    public static string? WhyNotAvailable()
    {
        if (!OperatingSystem.IsLinux())
            return "the drill needs Linux network namespaces";
        if (Environment.UserName != "root" && Run("id", "-u").Output.Trim() != "0")
            return "the drill needs root to create network namespaces (ip netns add)";
        var probe = $"{Prefix}probe{Environment.ProcessId % 100000}";
        var added = Run("ip", "netns", "add", probe);
        if (added.ExitCode != 0)
            return $"'ip netns add' failed here: {added.Output.Trim()}";
        Run("ip", "netns", "del", probe);
        return null;
    }

    public static DrillNetwork Create()
    {
        RemoveLeftovers();
        var taken = Run("ip", "-4", "-o", "addr").Output + Run("ip", "-4", "route").Output;
        string subnet;
        do
            subnet = $"10.213.{Random.Shared.Next(16, 250)}";
        while (taken.Contains(subnet + ".", StringComparison.Ordinal));
        string name;
        do
            name = $"{Prefix}{Random.Shared.Next(0x1000, 0xffff):x4}";
        while (File.Exists(Path.Combine(OwnersFolder, name)));

        Directory.CreateDirectory(OwnersFolder);
        File.WriteAllText(Path.Combine(OwnersFolder, name), Environment.ProcessId.ToString());
        var network = new DrillNetwork(name, subnet);
        try
        {
            Must("ip", "link", "add", network.Bridge, "type", "bridge");
            Must("ip", "addr", "add", $"{network.HostAddress}/24", "dev", network.Bridge);
            Must("ip", "link", "set", network.Bridge, "up");
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A new namespace on the bridge with address <c>Subnet.(10 + index)</c>.</summary>
    public DrillHost AddHost(string role, int index)
    {
        var host = new DrillHost($"{Name}-{role}", $"{Subnet}.{10 + index}", $"{Name}-h{index}", $"{Name}-n{index}");
        _hosts.Add(host);
        Must("ip", "netns", "add", host.Namespace);
        Must("ip", "link", "add", host.HostLink, "type", "veth", "peer", "name", host.InnerLink);
        Must("ip", "link", "set", host.InnerLink, "netns", host.Namespace);
        Must("ip", "link", "set", host.HostLink, "master", Bridge);
        Must("ip", "link", "set", host.HostLink, "up");
        Must("ip", "netns", "exec", host.Namespace, "ip", "addr", "add", $"{host.Address}/24", "dev", host.InnerLink);
        Must("ip", "netns", "exec", host.Namespace, "ip", "link", "set", host.InnerLink, "up");
        Must("ip", "netns", "exec", host.Namespace, "ip", "link", "set", "lo", "up");
        return host;
    }

    /// <summary>
    /// Notes a process this run started outside its namespaces (Azurite, the CLI): if the run dies before its cleanup, the
    /// next run's <see cref="RemoveLeftovers"/> kills it by this pid, once it has checked the pid still runs a command of this run.
    /// </summary>
    public void RecordHostProcess(int pid) =>
        File.AppendAllText(Path.Combine(OwnersFolder, Name + ".pids"), pid + "\n");

    /// <summary>Cuts the host off: its link to the bridge goes down (its sockets stay open, its packets go nowhere).</summary>
    public static void Cut(DrillHost host) => Must("ip", "link", "set", host.HostLink, "down");

    public static void Heal(DrillHost host) => Must("ip", "link", "set", host.HostLink, "up");

    public void Dispose()
    {
        foreach (var host in _hosts)
            RemoveNamespace(host.Namespace);
        foreach (var link in Links(Name))
            Run("ip", "link", "del", link);
        File.Delete(Path.Combine(OwnersFolder, Name));
        File.Delete(Path.Combine(OwnersFolder, Name + ".pids"));
    }

    /// <summary>
    /// Removes what earlier runs left (a run killed before its cleanup): namespaces and links with the drill's prefix whose
    /// owning process is gone, and the processes still running in those namespaces (by pid). A live run's are left alone.
    /// </summary>
    public static void RemoveLeftovers()
    {
        var names = Run("ip", "netns", "list").Output.Split('\n').Select(l => l.Split(' ')[0])
            .Concat(Links(null))
            .Concat(Directory.Exists(OwnersFolder) ? Directory.GetFiles(OwnersFolder).Select(f => Path.GetFileName(f).Split('.')[0] + "-") : [])
            .Select(n => RunName().Match(n)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct();
        foreach (var run in names)
        {
            if (OwnerAlive(run))
                continue;
            foreach (var ns in Run("ip", "netns", "list").Output.Split('\n').Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(run + "-", StringComparison.Ordinal)))
                RemoveNamespace(ns);
            foreach (var link in Links(run))
                Run("ip", "link", "del", link);
            KillHostProcesses(run);
            File.Delete(Path.Combine(OwnersFolder, run));
        }
    }

    /// <summary>A dead run's host-side processes, by pid, each only if its command line still names the run (no reused pid).</summary>
    private static void KillHostProcesses(string run)
    {
        var file = Path.Combine(OwnersFolder, run + ".pids");
        if (!File.Exists(file))
            return;
        foreach (var pid in File.ReadAllLines(file).Where(l => l.Length > 0))
        {
            var cmdline = Path.Combine("/proc", pid, "cmdline");
            if (File.Exists(cmdline) && File.ReadAllText(cmdline).Contains(run, StringComparison.Ordinal))
                Run("kill", "-9", pid);
        }
        File.Delete(file);
    }

    private static bool OwnerAlive(string run)
    {
        var file = Path.Combine(OwnersFolder, run);
        if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file), out var pid))
            return false;
        try
        {
            using var owner = Process.GetProcessById(pid);
            return !owner.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Kills (SIGKILL, by pid) whatever still runs in the namespace, then deletes it (its veth goes with it).</summary>
    private static void RemoveNamespace(string ns)
    {
        foreach (var pid in Run("ip", "netns", "pids", ns).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Run("kill", "-9", pid);
        Run("ip", "netns", "del", ns);
    }

    /// <summary>Links on the host whose names start with <paramref name="run"/> (any drill run when null).</summary>
    private static IEnumerable<string> Links(string? run) =>
        Run("ip", "-o", "link", "show").Output.Split('\n')
            .Select(l => l.Split(':', 3))
            .Where(p => p.Length >= 2)
            .Select(p => p[1].Trim().Split('@')[0])
            .Where(n => run is null ? RunName().IsMatch(n) : n.StartsWith(run + "-", StringComparison.Ordinal))
            .ToArray();

    [GeneratedRegex("^(fdr[0-9a-f]{4})-")]
    private static partial Regex RunName();

    private static void Must(params string[] command)
    {
        var result = Run(command);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"'{string.Join(' ', command)}' failed ({result.ExitCode}): {result.Output.Trim()}");
    }

    public static (int ExitCode, string Output) Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}

/// <summary>One "machine": a namespace, its address, and the two ends of its link to the bridge.</summary>
public sealed record DrillHost(string Namespace, string Address, string HostLink, string InnerLink);
