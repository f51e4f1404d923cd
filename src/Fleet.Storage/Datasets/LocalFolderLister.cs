using System.Runtime.CompilerServices;

namespace Fleet.Storage.Datasets;

/// <summary>Lists a local folder recursively, sorted per directory so the order (and so the shards) never change between runs.</summary>
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

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var path in Walk(Folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Uri(path).AbsoluteUri;
        }
    }

    private static IEnumerable<string> Walk(string directory)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith('.'))
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo sub)
            {
                foreach (var path in Walk(sub.FullName))
                    yield return path;
            }
            else if (ImageFileTypes.IsImage(entry.Name))
            {
                yield return entry.FullName;
            }
        }
    }
}
