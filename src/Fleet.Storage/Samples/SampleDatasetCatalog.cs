using System.Text.Json;

namespace Fleet.Storage.Samples;

/// <summary>The named sample datasets (datasets/catalog.json), so `fleet run sample:imagenet-100` works before a user has data.</summary>
public sealed record SampleDatasetCatalog(IReadOnlyList<SampleDataset> Samples)
{
    private const string FileName = "datasets/catalog.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SampleDataset Get(string name) =>
        Samples.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no sample dataset named '{name}' (known: {string.Join(", ", Samples.Select(s => s.Name))})");

    public static SampleDatasetCatalog Parse(string json) =>
        JsonSerializer.Deserialize<SampleDatasetCatalog>(json, Json) ?? throw new InvalidDataException("empty sample catalog");

    /// <summary>The repository's catalog when running from a checkout, else the copy built into this assembly.</summary>
    public static SampleDatasetCatalog LoadDefault()
    {
        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, FileName);
                if (File.Exists(path))
                    return Parse(File.ReadAllText(path));
            }
        }
        using var stream = typeof(SampleDatasetCatalog).Assembly.GetManifestResourceStream("Fleet.Storage.datasets.catalog.json")
            ?? throw new FileNotFoundException($"{FileName} not found and no built-in copy");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}

public sealed record SampleDataset(string Name, string Description, string MirrorFolder, string SourceBaseUrl, string License, IReadOnlyList<SampleFile> Files);

public sealed record SampleFile(string Name, string Sha256, long Size);
