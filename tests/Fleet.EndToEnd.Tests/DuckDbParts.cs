using System.Diagnostics;
using System.Text.Json;
using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

/// <summary>
/// A job's Parquet parts as DuckDB reads them (parquet/read-parts.mjs through npm's @duckdb/node-api): the columns with
/// their types and every row, so the tests judge the files by a reader Fleet did not write.
/// </summary>
public sealed record DuckDbParts(IReadOnlyDictionary<string, string> Columns, IReadOnlyList<JsonElement> Rows)
{
    public static async Task<DuckDbParts> ReadAsync(string jobFolder)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine("tests", "Fleet.EndToEnd.Tests", "parquet", "read-parts.mjs"), jobFolder },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }
        var text = await stdout;
        Assert.True(node.ExitCode == 0, $"read-parts.mjs exited {node.ExitCode} (is @duckdb/node-api installed? npm ci): {await stderr}");
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return new DuckDbParts(
            root.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString()!),
            [.. root.GetProperty("rows").EnumerateArray().Select(r => r.Clone())]);
    }
}
