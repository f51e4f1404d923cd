namespace Fleet.Storage.Results;

/// <summary>
/// Where a job's rows go. A shard's part is written whole or not at all, under a name fixed by the shard,
/// so running a shard twice replaces its part instead of adding rows.
/// </summary>
public interface IResultStore
{
    string Describe();

    /// <summary>Commits one shard: its rows and its error rows (an empty list removes an older error part).</summary>
    Task CommitShardAsync(string jobId, int shard, IReadOnlyList<string> rows, IReadOnlyList<string> errorRows, CancellationToken cancellationToken);

    Task WriteSuccessAsync(string jobId, string json, CancellationToken cancellationToken);

    /// <summary>The names (relative to the output) of the committed part files, data and errors.</summary>
    IAsyncEnumerable<string> ListPartsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Every committed row line of the job, data parts and error parts.</summary>
    IAsyncEnumerable<string> ReadRowsAsync(string jobId, CancellationToken cancellationToken);
}
