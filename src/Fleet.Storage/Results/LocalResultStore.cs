using System.Runtime.CompilerServices;
using Polly;

namespace Fleet.Storage.Results;

/// <summary>Rows in a local folder; each file is written to a temporary name and renamed, so readers never see half a part.</summary>
public sealed class LocalResultStore(string root, ResiliencePipeline resilience) : IResultStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Describe() => Root;

    public async Task CommitShardAsync(string jobId, int shard, IReadOnlyList<string> rows, IReadOnlyList<string> errorRows, CancellationToken cancellationToken)
    {
        // Errors first: the data part is the shard's commit point.
        await ReplaceAsync(ResultLayout.ErrorPart(jobId, shard), errorRows.Count == 0 ? null : JsonLines.Encode(errorRows), cancellationToken).ConfigureAwait(false);
        await ReplaceAsync(ResultLayout.Part(jobId, shard), JsonLines.Encode(rows), cancellationToken).ConfigureAwait(false);
    }

    public Task WriteSuccessAsync(string jobId, string json, CancellationToken cancellationToken) =>
        ReplaceAsync(ResultLayout.Success(jobId), System.Text.Encoding.UTF8.GetBytes(json), cancellationToken);

    public async IAsyncEnumerable<string> ListPartsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var jobFolder = Path.Combine(Root, jobId);
        if (!Directory.Exists(jobFolder))
            yield break;
        foreach (var file in Directory.EnumerateFiles(jobFolder, "part-*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Path.GetRelativePath(Root, file).Replace('\\', '/');
        }
    }

    public async IAsyncEnumerable<string> ReadRowsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var part in ListPartsAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var text = await File.ReadAllTextAsync(Path.Combine(Root, part), cancellationToken).ConfigureAwait(false);
            foreach (var line in JsonLines.Decode(text))
                yield return line;
        }
    }

    private Task ReplaceAsync(string name, byte[]? content, CancellationToken cancellationToken) =>
        resilience.ExecuteAsync(async ct =>
        {
            var path = Path.Combine(Root, name);
            if (content is null)
            {
                if (File.Exists(path))
                    File.Delete(path);
                return;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temp, content, ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }, cancellationToken).AsTask();
}
