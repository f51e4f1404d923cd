namespace Fleet.Development;

/// <summary>
/// A tiny node preload script: Azurite stops itself (gracefully, flushing its data) when our end of its stdin
/// closes, so a killed test run or CLI never leaves an orphaned Azurite behind.
/// </summary>
internal static class ParentWatchdog
{
    private const string Script = """
        // Fleet: stop Azurite when the process that started it goes away (its stdin pipe closes).
        process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
        process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
        process.stdin.resume();
        """;

    public static string EnsureScript()
    {
        var path = Path.Combine(Path.GetTempPath(), "fleet-azurite-exit-with-parent.js");
        if (!File.Exists(path) || File.ReadAllText(path) != Script)
        {
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, Script);
            File.Move(temp, path, overwrite: true);
        }
        return path;
    }
}
