namespace Fleet.Storage.Security;

/// <summary>
/// A path with every symbolic link along it resolved (like realpath(3)), so a link inside an allowed folder cannot lead
/// out of it. A path that does not exist yet resolves its longest existing ancestor and keeps the rest as written.
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    private static string Resolve(string full, ref int links)
    {
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                    throw new IOException($"too many symbolic links in '{full}'");
                // A relative target is relative to the link's folder; it may hold links and '..' of its own.
                next = Resolve(Path.GetFullPath(target, current), ref links);
            }
            else if (!info.Exists && !Directory.Exists(next))
            {
                return Path.Combine([next, .. parts[(i + 1)..]]);
            }
            current = next;
        }
        return current;
    }
}
