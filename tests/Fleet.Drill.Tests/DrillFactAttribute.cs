namespace Fleet.Drill.Tests;

/// <summary>
/// A drill test: it needs root and Linux network namespaces (it tries to make one), and is reported as skipped with the
/// reason where it cannot. A full-drill test (full: true), which runs only when FLEET_DRILL=full (tools/drill/run.sh).
/// </summary>
public sealed class DrillFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(DrillNetwork.WhyNotAvailable);

    public DrillFactAttribute(bool full = false)
    {
        if (full && Environment.GetEnvironmentVariable("FLEET_DRILL") != "full")
            Skip = "the full drill (six scenarios, a longer job, minutes of outages) runs with tools/drill/run.sh (FLEET_DRILL=full)";
        else if (Unavailable.Value is { } reason)
            Skip = reason;
    }
}
