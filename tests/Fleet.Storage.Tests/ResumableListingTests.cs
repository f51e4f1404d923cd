using System.Text;
using Azure.Storage.Blobs;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

/// <summary>Every lister kind, resumed from every k-th checkpoint, reproduces the tail of the full listing exactly.</summary>
public sealed class ResumableListingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // Segments chosen to stress ordinal order: case, spaces, dots, dashes, non-ASCII, and a folder named like an image.
    private static readonly string[] Folders = ["a", "a b", "a-b", "a.d", "B", "b", "z", "ä", "日本", "c.jpg"];
    private static readonly string[] Extensions = [".jpg", ".png", ".JPEG", ".webp", ".txt", ".md"];

    [Fact]
    public async Task Local_folder_resumes_from_every_checkpoint()
    {
        var root = TestPaths.NewTempFolder("resume-local");
        var random = new Random(7);
        for (var i = 0; i < 360; i++)
        {
            var depth = random.Next(0, 4);
            var segments = Enumerable.Range(0, depth).Select(_ => Folders[random.Next(Folders.Length)]).ToList();
            segments.Add($"{Folders[random.Next(Folders.Length)]}{i % 7}{Extensions[random.Next(Extensions.Length)]}");
            var path = Path.Combine([root, .. segments]);
            if (Directory.Exists(path))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, "x");
        }
        Directory.CreateDirectory(Path.Combine(root, ".hidden"));
        await File.WriteAllTextAsync(Path.Combine(root, ".hidden", "skip.jpg"), "x");
        Directory.CreateDirectory(Path.Combine(root, "empty", "deeper"));

        var lister = new LocalFolderLister(root);
        var all = await ResumeAssert.ResumesExactlyAsync(lister, step: 1);

        Assert.True(all.Count > 150, $"only {all.Count} images were generated");
        Assert.All(all, i => Assert.Equal(new Uri(Path.Combine(root, i.Checkpoint)).AbsoluteUri, i.Uri));
        Assert.DoesNotContain(all, i => i.Checkpoint.StartsWith(".hidden", StringComparison.Ordinal));
        // The order is the ordinal order of path segments, which is what lets resuming skip whole subtrees.
        Assert.Equal(all.Select(i => i.Checkpoint).Order(SegmentComparer.Instance), all.Select(i => i.Checkpoint));
    }

    [Fact]
    public async Task Local_folder_resumes_after_a_checkpoint_whose_file_is_gone()
    {
        var root = TestPaths.NewTempFolder("resume-gone");
        foreach (var name in new[] { "a/1.jpg", "a/3.jpg", "a b/1.jpg", "b.jpg", "c/d/e.jpg" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, name))!);
            await File.WriteAllTextAsync(Path.Combine(root, name), "x");
        }
        var lister = new LocalFolderLister(root);

        Assert.Equal(["a/3.jpg", "a b/1.jpg", "b.jpg", "c/d/e.jpg"], await Checkpoints(lister, "a/2.jpg"));
        Assert.Equal(["b.jpg", "c/d/e.jpg"], await Checkpoints(lister, "a c"));
        Assert.Equal(["c/d/e.jpg"], await Checkpoints(lister, "c"));
        Assert.Empty(await Checkpoints(lister, "c/d/e.jpg"));
    }

    [Fact]
    public async Task Blob_prefix_resumes_from_every_checkpoint_across_pages()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"resume-{Guid.NewGuid():N}");
        await container.CreateAsync();
        var names = Enumerable.Range(0, 230)
            .Select(i => $"p/{Folders[i % Folders.Length]}/{i:D3}{Extensions[i % Extensions.Length]}")
            .Concat(["outside/1.jpg", "p.jpg", "q/2.png"])
            .ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (name, ct) => await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(name), ct));

        var lister = new BlobPrefixLister(container, "p/", StorageResilience.Create(), pageSize: 16);
        var all = await ResumeAssert.ResumesExactlyAsync(lister, step: 3);

        var images = names.Where(n => n.StartsWith("p/", StringComparison.Ordinal) && ImageFileTypes.IsImage(n)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(images.Select(n => container.GetBlobClient(n).Uri.AbsoluteUri), all.Select(i => i.Uri));
        Assert.True(all.Select(i => i.Checkpoint.Split('\n')[0]).Distinct().Count() > 5, "the listing should cross several pages");

        // A checkpoint whose blob was deleted since still resumes right after where that blob was.
        var k = all.Count / 2;
        await container.GetBlobClient(images[k]).DeleteAsync();
        // (Only the URIs: pages after the deleted blob start one name later, so their tokens differ.)
        Assert.Equal(all.Skip(k + 1).Select(i => i.Uri), await lister.ListAsync(all[k].Checkpoint, default).Select(i => i.Uri).ToListAsync());
    }

    [Theory]
    [InlineData("txt")]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public async Task Manifest_resumes_from_every_checkpoint(string kind)
    {
        var folder = TestPaths.NewTempFolder("resume-manifest");
        var path = Path.Combine(folder, $"list.{kind}");
        var text = new StringBuilder(kind == "csv" ? "id,uri,note\n" : "");
        for (var i = 0; i < 300; i++)
        {
            var entry = (i % 10) switch
            {
                3 => kind switch { "txt" => "# a comment", "jsonl" => "{\"url\":\"oops\"}", _ => $"{i},,no uri" },
                5 => "",
                7 => kind switch { "txt" => "s3://bucket/x.jpg", "jsonl" => "{not json", _ => $"{i},img/{i}.jpg,\"two\nlines, quoted\"" },
                _ => kind switch { "txt" => $"img/{i}.jpg", "jsonl" => $"{{\"uri\":\"img/{i}.jpg\"}}", _ => $"{i},\"img/{i}.jpg\",plain" },
            };
            text.Append(entry).Append('\n');
        }
        await File.WriteAllTextAsync(path, text.ToString());

        var lister = new ManifestFileLister(new Uri(path), ManifestFileLister.TryGetFormat(path, out var format) ? format : throw new InvalidOperationException(),
            null, new HttpClient(new FakeHttpHandler((_, _) => throw new InvalidOperationException("no http here"))), StorageResilience.Create());
        var all = await ResumeAssert.ResumesExactlyAsync(lister, step: 1);

        Assert.Equal(kind == "txt" ? 240 : 270, all.Count);
        Assert.Equal(kind == "jsonl" ? 60 : 30, all.Count(i => i.IsInvalid));
    }

    private static async Task<List<string>> Checkpoints(IDatasetLister lister, string? resumeAfter) =>
        await lister.ListAsync(resumeAfter, default).Select(i => i.Checkpoint).ToListAsync();

    /// <summary>Orders '/'-separated paths by their segments, each compared ordinally.</summary>
    private sealed class SegmentComparer : IComparer<string>
    {
        public static readonly SegmentComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = x!.Split('/');
            var b = y!.Split('/');
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var order = string.CompareOrdinal(a[i], b[i]);
                if (order != 0)
                    return order;
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
