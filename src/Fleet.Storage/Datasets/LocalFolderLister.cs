using System.Runtime.CompilerServices;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Lists a local folder recursively, sorted per directory so the order (and so the shards) never change between runs.
/// The checkpoint of an item is its path relative to the folder with '/' separators.
/// </summary>
public sealed class LocalFolderLister(string folder) : IDatasetLister
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public string Describe() => Folder;

    public Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            throw new DatasetNotFoundException(File.Exists(Folder)
                ? $"dataset '{Folder}' is a file, not a folder"
                : $"dataset folder '{Folder}' does not exist");
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<DatasetItem> ListAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        var resume = string.IsNullOrEmpty(resumeAfter) ? null : resumeAfter.Split('/');
        foreach (var (path, relative) in Walk(Folder, "", resume, 0))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new DatasetItem(new Uri(path).AbsoluteUri, relative);
        }
    }

    /// <summary>
    /// The walk's order is the lexicographic order of the items' path segments (each compared ordinally), so resuming
    /// skips every entry that sorts before the checkpoint's segment at its depth without opening it.
    /// </summary>
    private static IEnumerable<(string Path, string Relative)> Walk(string directory, string relative, string[]? resume, int depth)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith('.'))
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            string[]? resumeBelow = null;
            if (resume is not null)
            {
                var order = string.CompareOrdinal(entry.Name, resume[depth]);
                if (order < 0)
                    continue;
                if (order == 0)
                {
                    var last = depth == resume.Length - 1;
                    // The checkpoint itself, or a file whose path is a proper prefix of the checkpoint's: both sort before what follows it.
                    if (entry is not DirectoryInfo)
                    {
                        resume = null;
                        continue;
                    }
                    if (!last)
                        resumeBelow = resume;
                }
                // Every later entry of this directory sorts after the checkpoint.
                resume = null;
            }

            var entryRelative = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            if (entry is DirectoryInfo sub)
            {
                foreach (var item in Walk(sub.FullName, entryRelative, resumeBelow, depth + 1))
                    yield return item;
            }
            else if (ImageFileTypes.IsListed(entry.Name))
            {
                yield return (entry.FullName, entryRelative);
            }
        }
    }
}
