namespace Fleet.Storage.Results;

public static class ResultStoreExtensions
{
    /// <summary>Stages and commits one shard in one go (its rows and error rows; an empty error list removes an older error part).</summary>
    public static async Task CommitShardAsync(this IResultStore store, string jobId, int shard, IReadOnlyList<ResultRow> rows, IReadOnlyList<ResultRow> errorRows, IResultPartFormat format, CancellationToken cancellationToken)
    {
        var staged = await store.StageShardAsync(jobId, shard, Guid.NewGuid(), rows, errorRows, format, cancellationToken).ConfigureAwait(false);
        await staged.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
