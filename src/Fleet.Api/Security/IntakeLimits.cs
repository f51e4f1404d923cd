namespace Fleet.Api.Security;

/// <summary>
/// Where a principal's jobs may read (<see cref="Datasets"/>: datasets and the items their manifests name) and write
/// (<see cref="Outputs"/>), inside the fleet's own intake policy. Entries: http(s) URIs of containers or prefixes, local
/// folders, or "sample:". An empty list leaves that side to the fleet's policy alone.
/// </summary>
public class IntakeLimits
{
    public string[] Datasets { get; set; } = [];

    public string[] Outputs { get; set; } = [];

    public bool IsEmpty => Datasets.Length == 0 && Outputs.Length == 0;

    /// <summary>What is wrong with the entries, each naming the setting (<paramref name="setting"/>:Datasets|Outputs).</summary>
    public IEnumerable<string> Problems(string setting) =>
        Datasets.Select(e => (Side: "Datasets", Entry: e)).Concat(Outputs.Select(e => (Side: "Outputs", Entry: e)))
            .Select(e => Fleet.Storage.ScopeEntry.Problem(e.Entry) is { } problem ? $"{setting}:{e.Side}: {problem}" : null)
            .OfType<string>();
}
