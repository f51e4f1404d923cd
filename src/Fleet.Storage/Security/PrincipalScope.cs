namespace Fleet.Storage.Security;

/// <summary>
/// One principal's own limits inside the fleet's intake policy: the places its jobs may read (datasets and the items a
/// manifest names) and write (outputs). An entry is an http(s) URI of a container or prefix (a blob of the fleet's
/// account or any other URL prefix), a local folder, or <c>sample:</c> (the sample datasets). A place is allowed when it
/// is an entry or lies beneath one (whole path segments: <c>.../team-a</c> does not allow <c>.../team-ab</c>), compared
/// in canonical form (<see cref="CanonicalUri"/>, real paths). No entries on a side: that side is limited only by the
/// fleet's policy. The fleet's policy (<see cref="IntakePolicy"/>: schemes, roots, internal containers) applies as well.
/// </summary>
public sealed class PrincipalScope
{
    private const string Samples = ScopeEntry.Samples;

    private readonly string[] _datasets;
    private readonly string[] _outputs;
    private readonly string _source;

    private PrincipalScope(IEnumerable<string> datasets, IEnumerable<string> outputs, string source)
    {
        _datasets = [.. datasets.Select(Entry)];
        _outputs = [.. outputs.Select(Entry)];
        _source = source;
    }

    /// <summary>The scope of these lists (<paramref name="source"/>: the setting they came from, named in refusals); null when both are empty.</summary>
    public static PrincipalScope? Of(IReadOnlyList<string>? datasets, IReadOnlyList<string>? outputs, string? source) =>
        (datasets?.Count ?? 0) == 0 && (outputs?.Count ?? 0) == 0 ? null : new(datasets ?? [], outputs ?? [], source ?? "the principal's scope");

    public void CheckDataset(string dataset) => Check(_datasets, dataset, "dataset", "Datasets");

    public void CheckOutput(string output) => Check(_outputs, output, "output", "Outputs");

    /// <summary>An item a manifest names: it must lie in the principal's datasets too, or a manifest could lead anywhere.</summary>
    public void CheckItem(string item)
    {
        if (!Datasets.DatasetItem.IsInvalidUri(item)) // an entry that names no URI is an error row of its own
            Check(_datasets, item, "item", "Datasets");
    }

    private void Check(string[] entries, string value, string what, string setting)
    {
        if (entries.Length == 0)
            return;
        var place = Canonical(value);
        if (place is null || !entries.Any(entry => IsUnder(place, entry)))
            throw new IntakePolicyException($"{what} '{SecretRedactor.Uri(value)}' is outside the places this principal's jobs may use ({_source}:{setting})");
    }

    private static string Entry(string entry) =>
        ScopeEntry.Problem(entry) is { } problem ? throw new ArgumentException(problem, nameof(entry)) : Canonical(entry)!;

    /// <summary>One spelling of a place: "sample:...", "http(s)://authority/decoded path", or "file:" and the real path; null when it has none.</summary>
    private static string? Canonical(string value)
    {
        if (value.StartsWith(Samples, StringComparison.OrdinalIgnoreCase))
            return Samples + value[Samples.Length..];
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && value.Contains("://", StringComparison.Ordinal))
        {
            if (uri.IsFile)
                return "file:" + RealPath.Resolve(uri.LocalPath);
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps || CanonicalUri.Problem(uri) is not null)
                return null;
            return uri.GetLeftPart(UriPartial.Authority) + Uri.UnescapeDataString(uri.AbsolutePath);
        }
        if (value.Contains("://", StringComparison.Ordinal))
            return null;
        return "file:" + RealPath.Resolve(value);
    }

    private static bool IsUnder(string place, string entry)
    {
        if (entry == Samples)
            return place.StartsWith(Samples, StringComparison.Ordinal);
        var folder = entry.TrimEnd('/');
        return place == folder || place.StartsWith(folder + "/", StringComparison.Ordinal);
    }
}
