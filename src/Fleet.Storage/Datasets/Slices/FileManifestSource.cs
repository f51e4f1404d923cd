using System.Globalization;

namespace Fleet.Storage.Datasets.Slices;

/// <summary>A manifest on a local path; its version is its size and last write time (ticks, UTC).</summary>
public sealed class FileManifestSource(string path) : IManifestSource
{
    public string Display => path;

    public Task<ManifestHead> HeadAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new DatasetNotFoundException(Directory.Exists(path)
                ? $"manifest '{path}' is a folder, not a file"
                : $"manifest '{path}' does not exist");
        }
        return Task.FromResult(new ManifestHead(file.Length, VersionOf(file)));
    }

    public async Task<Stream> OpenAsync(long offset, long expected, string version, CancellationToken cancellationToken)
    {
        var head = await HeadAsync(cancellationToken).ConfigureAwait(false);
        if (head.Version != version)
            throw new ManifestChangedException(path, version, head.Version);
        // Unbuffered (the slice reader reads blocks of its own) and synchronous: a slice is a few KiB of a local file, and
        // an asynchronous handle's thread-pool hop per read cost more than the read.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        stream.Position = offset;
        return stream;
    }

    private static string VersionOf(FileInfo file) =>
        string.Create(CultureInfo.InvariantCulture, $"{file.Length}@{file.LastWriteTimeUtc.Ticks}");
}
