namespace Fleet.ServiceDefaults;

/// <summary>The names of Fleet's own and Orleans' meters and activity sources, registered with OpenTelemetry.</summary>
public static class FleetTelemetry
{
    public const string Fleet = "Fleet";

    public static readonly string[] Meters = [Fleet, "Microsoft.Orleans"];

    public static readonly string[] Sources =
    [
        Fleet,
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
    ];
}
