using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Fleet.Testing;

/// <summary>
/// Runs one of the tests' node scripts (the puppeteer-core browser checks) from the repository root and returns the
/// JSON object it prints last; its output goes to the test's log. Killed, tree and all, when the time runs out.
/// </summary>
public static class NodeScript
{
    public static async Task<JsonElement> RunAsync(string script, IEnumerable<string> arguments, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = node.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await node.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }
        var text = await stdout;
        output.WriteLine($"{Path.GetFileName(script)} exited {node.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(text);
        output.WriteLine(await stderr);
        Assert.False(string.IsNullOrWhiteSpace(text), $"{Path.GetFileName(script)} printed nothing: is puppeteer-core installed (npm ci)?");
        return JsonDocument.Parse(text.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
