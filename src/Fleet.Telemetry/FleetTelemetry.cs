using System.Diagnostics;

namespace Fleet.Telemetry;

/// <summary>
/// The one definition of Fleet's meter and activity source names (and Orleans' that the hosts export too). Libraries
/// create their instruments through IMeterFactory under <see cref="MeterName"/>; hosts register these names with OpenTelemetry.
/// </summary>
public static class FleetTelemetry
{
    public const string MeterName = "Fleet";

    /// <summary>The tag that names the silo on every Fleet measurement, so throughput splits per silo.</summary>
    public const string SiloTagName = "fleet.silo";

    /// <summary>Spans for jobs, shards, batches and captions; created only when a tracer listens (an exporter is configured).</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    /// <summary>
    /// A span of a job's work in the job's own trace (<paramref name="traceParent"/>, the W3C id of its submit), though
    /// it runs later, on another silo, outside any call from the submitter; without one, under the current span.
    /// </summary>
    public static Activity? StartJobActivity(string name, string? traceParent) =>
        traceParent is { Length: > 0 } && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Activities.StartActivity(name, ActivityKind.Internal, parent)
            : Activities.StartActivity(name);

    public static readonly string[] Meters = [MeterName, "Microsoft.Orleans"];

    public static readonly string[] Sources =
    [
        MeterName,
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
    ];
}
