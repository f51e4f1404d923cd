using System.Security.Cryptography;

namespace Fleet.Storage.Samples;

/// <summary>Resolves sample:NAME to a local folder: the mirror when it has every file, else a cache filled from the source (sha256-checked).</summary>
public sealed class SampleDatasetResolver(SampleDatasetCatalog catalog, SampleDatasetOptions options, HttpClient http)
{
    public const string Scheme = "sample:";

    public static bool IsSample(string dataset) => dataset.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public async Task<string> ResolveAsync(string dataset, CancellationToken cancellationToken)
    {
        SampleDataset sample;
        try
        {
            sample = catalog.Get(dataset[Scheme.Length..]);
        }
        catch (KeyNotFoundException e)
        {
            throw new Datasets.DatasetNotFoundException(e.Message, e);
        }

        if (!string.IsNullOrEmpty(options.MirrorRoot))
        {
            var mirror = Path.Combine(options.MirrorRoot, sample.MirrorFolder);
            if (sample.Files.All(f => new FileInfo(Path.Combine(mirror, f.Name)) is { Exists: true } info && info.Length == f.Size))
                return Path.GetFullPath(mirror);
        }

        var cache = Path.Combine(options.CacheRoot, sample.MirrorFolder);
        Directory.CreateDirectory(cache);
        await Parallel.ForEachAsync(sample.Files, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (file, ct) => await EnsureFileAsync(sample, file, cache, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return cache;
    }

    private async Task EnsureFileAsync(SampleDataset sample, SampleFile file, string cache, CancellationToken cancellationToken)
    {
        var target = Path.Combine(cache, file.Name);
        if (File.Exists(target) && new FileInfo(target).Length == file.Size)
            return;
        var url = new Uri(new Uri(sample.SourceBaseUrl), Uri.EscapeDataString(file.Name));
        byte[] bytes;
        try
        {
            bytes = await http.GetByteArrayAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new Datasets.DatasetNotFoundException(
                $"sample '{sample.Name}': could not download {url} ({e.Message}); set FLEET_DATA_MIRROR to a folder holding '{sample.MirrorFolder}' to run offline", e);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(hash, file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"sample '{sample.Name}': {file.Name} from {url} has sha256 {hash}, expected {file.Sha256}");
        var temp = target + ".part";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temp, target, overwrite: true);
    }
}
