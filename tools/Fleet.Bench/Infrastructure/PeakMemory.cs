using System.Globalization;

namespace Fleet.Bench.Infrastructure;

/// <summary>Peak resident set (Linux VmHWM) of a process, in MB; the kernel keeps the peak, so a late read is exact.</summary>
internal static class PeakMemory
{
    public static double OfSelf() => Read("/proc/self/status");

    public static double Of(int pid) => Read($"/proc/{pid}/status");

    /// <summary>Resets this process's peak to its current resident set (Linux 4.0+), so a phase can be measured alone.</summary>
    public static void ResetSelf()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not allowed here: the peak then covers the whole process.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static double Read(string path)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kb / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
            // The process has ended.
        }
        return double.NaN;
    }
}
