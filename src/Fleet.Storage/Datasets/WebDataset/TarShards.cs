namespace Fleet.Storage.Datasets;

/// <summary>
/// WebDataset's naming rules: a tar is a dataset shard, and the members that share a key (the member's path up to the
/// first '.' of its file name: <c>a/000123.jpg</c> and <c>a/000123.json</c> are sample <c>a/000123</c>) are one sample.
/// A sample's row names its image member as <c>{tarUri}#{member}</c>.
/// </summary>
public static class TarShards
{
    /// <summary>True when the URI's (or path's) name ends in .tar, any case; a query is ignored. Compressed tars are not shards: they cannot be read by range.</summary>
    public static bool IsTar(string uriOrPath)
    {
        if (DatasetItem.IsInvalidUri(uriOrPath))
            return false;
        var path = Uri.TryCreate(uriOrPath, UriKind.Absolute, out var uri) ? (uri.IsFile ? uri.LocalPath : uri.AbsolutePath) : uriOrPath;
        return path.EndsWith(".tar", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The URI of a member: the tar's URI (query included, so a SAS still reads it) and the member's path as the fragment,
    /// each segment percent-escaped so a name with '#', '?' or spaces stays one fragment.
    /// </summary>
    public static string MemberUri(string tarUri, string member) =>
        $"{tarUri}#{string.Join('/', member.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>Splits a member path into its sample key and suffix ("jpg", "seg.png"); false for a name with no '.' (not part of any sample).</summary>
    public static bool TrySplit(string member, out string key, out string suffix)
    {
        var slash = member.LastIndexOf('/');
        var dot = member.IndexOf('.', slash + 1);
        if (dot <= slash + 1 || dot == member.Length - 1)
        {
            (key, suffix) = ("", "");
            return false;
        }
        (key, suffix) = (member[..dot], member[(dot + 1)..]);
        return true;
    }
}
