namespace Fleet.Storage;

/// <summary>
/// The one rule for an http(s) URI a job names, checked before any policy decision: its path must mean the same to
/// every reader of it. The storage SDK decodes <c>%2F</c> into a separator and <see cref="Uri"/> collapses <c>..</c>, so
/// <c>/datasets/..%2fgrainstate/x</c> would pass a container check as <c>datasets</c> and then be sent as
/// <c>/grainstate/x</c>. Refusing such paths (rather than normalising them) means the location a policy checks is the
/// location that is requested.
/// </summary>
public static class CanonicalUri
{
    /// <summary>Why <paramref name="uri"/> is not canonical; null when it is (or is no http(s) URI, which has rules of its own).</summary>
    public static string? Problem(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return null;
        if (uri.UserInfo.Length > 0)
            return "user info (user:password@) is not allowed in a URI; use a SAS or the fleet's identity";
        // The path as written: Uri has already collapsed dot segments and turned '\' into '/' in its own view of it.
        var path = RawPath(uri.OriginalString);
        if (path.Contains('\\', StringComparison.Ordinal))
            return "its path has a backslash ('\\'), which readers disagree about";
        foreach (var segment in path.Split('/'))
        {
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(segment);
            }
            catch (UriFormatException)
            {
                return "its path has a malformed percent-encoding";
            }
            if (decoded is "." or "..")
                return "its path has a '.' or '..' segment (plain or percent-encoded), which could lead out of the container it names";
            if (decoded.Contains('/', StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal))
                return "its path has an encoded separator (%2F or %5C), which the storage client would decode into another folder or container";
        }
        return null;
    }

    /// <summary>Throws <see cref="UnsafeUriException"/> when <paramref name="uri"/> is not canonical (<see cref="Problem"/>).</summary>
    public static void Check(Uri uri)
    {
        if (Problem(uri) is { } problem)
            throw new UnsafeUriException(problem);
    }

    /// <summary>The path of an absolute URI as written: after the authority, before the query or fragment.</summary>
    private static string RawPath(string written)
    {
        var scheme = written.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return "";
        var start = written.IndexOfAny(['/', '\\', '?', '#'], scheme + 3);
        if (start < 0 || written[start] is '?' or '#')
            return "";
        var end = written.IndexOfAny(['?', '#'], start);
        return end < 0 ? written[start..] : written[start..end];
    }
}
