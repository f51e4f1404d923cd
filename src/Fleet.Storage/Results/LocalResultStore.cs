using System.Runtime.CompilerServices;
using Polly;

namespace Fleet.Storage.Results;

/// <summary>
/// Rows in a local folder. An attempt writes temporary files named after it; committing renames them into place, so
/// readers never see half a part. (A folder has no fencing like blob block lists: it is for one machine's runs.)
/// </summary>
public sealed class LocalResultStore(string root, ResiliencePipeline resilience) : IResultStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Describe() => Root;

    public string ClaimOf(string jobId) => $"file:{Path.Combine(Security.RealPath.Resolve(Root), ResultLayout.Folder(jobId))}/";

    public async Task<IStagedShard> StageShardAsync(string jobId, int shard, Guid attemptId, IReadOnlyList<ResultRow> rows, IReadOnlyList<ResultRow> errorRows, IResultPartFormat format, CancellationToken cancellationToken)
    {
        var data = await StageFileAsync(ResultLayout.Part(jobId, shard, format), attemptId, await format.EncodeAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var errors = errorRows.Count == 0
            ? null
            : await StageFileAsync(ResultLayout.ErrorPart(jobId, shard, format), attemptId, await format.EncodeAsync(errorRows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new StagedFiles(this, Path.Combine(Root, ResultLayout.Part(jobId, shard, format)), data, Path.Combine(Root, ResultLayout.ErrorPart(jobId, shard, format)), errors);
    }

    public async Task WriteSuccessAsync(string jobId, string json, CancellationToken cancellationToken)
    {
        var target = Path.Combine(Root, ResultLayout.Success(jobId));
        var temp = await StageFileAsync(ResultLayout.Success(jobId), Guid.NewGuid(), System.Text.Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
        File.Move(temp, target, overwrite: true);
    }

    public async IAsyncEnumerable<string> ListPartsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var jobFolder = Path.Combine(Root, jobId);
        if (!Directory.Exists(jobFolder))
            yield break;
        foreach (var file in Directory.EnumerateFiles(jobFolder, "part-*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = Path.GetRelativePath(Root, file).Replace('\\', '/');
            if (ResultPartFormats.OfPart(part) is not null)
                yield return part;
        }
    }

    public async IAsyncEnumerable<string> ReadRowsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var part in ListPartsAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var content = await File.ReadAllBytesAsync(Path.Combine(Root, part), cancellationToken).ConfigureAwait(false);
            foreach (var line in await ResultPartReader.LinesAsync(part, content, cancellationToken).ConfigureAwait(false))
                yield return line;
        }
    }

    public async Task<IReadOnlyList<ResultRow>> ReadPartAsync(string part, CancellationToken cancellationToken)
    {
        var format = ResultPartFormats.OfPart(part) ?? throw new ArgumentException($"{part} is not a result part", nameof(part));
        var path = Path.GetFullPath(Path.Combine(Root, part));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"{part} is outside the output", nameof(part));
        if (!File.Exists(path))
            return [];
        return await format.DecodeAsync(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> StageFileAsync(string name, Guid attemptId, byte[] content, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Root, $"{name}.{attemptId:N}.tmp");
        await resilience.ExecuteAsync(async ct =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            await File.WriteAllBytesAsync(temp, content, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return temp;
    }

    private sealed class StagedFiles(LocalResultStore store, string dataTarget, string dataTemp, string errorTarget, string? errorTemp) : IStagedShard
    {
        public Task CommitAsync(CancellationToken cancellationToken) =>
            store.Resilience.ExecuteAsync(_ =>
            {
                // Errors first: the data part is the shard's commit point.
                if (errorTemp is not null)
                    File.Move(errorTemp, errorTarget, overwrite: true);
                else if (File.Exists(errorTarget))
                    File.Delete(errorTarget);
                File.Move(dataTemp, dataTarget, overwrite: true);
                return ValueTask.CompletedTask;
            }, cancellationToken).AsTask();

        public Task DiscardAsync(CancellationToken cancellationToken)
        {
            foreach (var temp in new[] { dataTemp, errorTemp })
            {
                if (temp is not null && File.Exists(temp))
                    File.Delete(temp);
            }
            return Task.CompletedTask;
        }
    }

    private ResiliencePipeline Resilience => resilience;
}
