namespace Fleet.Storage;

/// <summary>
/// What may be an entry of a principal's scope (Fleet:Api:Keys:{name}:Datasets|Outputs, Fleet:Api:Roles:{role}:...):
/// a canonical http(s) URI of a container or prefix with no query, an absolute local folder, or "sample:". Here, not in
/// Fleet.Storage, so the API can refuse a bad entry when it starts rather than when a job names it.
/// </summary>
public static class ScopeEntry
{
    public const string Samples = "sample:";

    /// <summary>Why <paramref name="entry"/> cannot be a scope entry; null when it can.</summary>
    public static string? Problem(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
            return "an entry is empty";
        if (entry == Samples)
            return null;
        if (Uri.TryCreate(entry, UriKind.Absolute, out var uri) && entry.Contains("://", StringComparison.Ordinal))
        {
            if (uri.IsFile)
                return null;
            var shown = uri.GetLeftPart(UriPartial.Path);
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                return $"'{shown}' is neither an http(s) URI, a local folder nor '{Samples}'";
            if (uri.Query.Length > 0)
                return $"'{shown}' has a query; an entry is a place, not a credential";
            return CanonicalUri.Problem(uri) is { } problem ? $"'{shown}': {problem}" : null;
        }
        return Path.IsPathFullyQualified(entry) ? null : $"'{entry}' is not an absolute folder, an http(s) URI or '{Samples}'";
    }
}
