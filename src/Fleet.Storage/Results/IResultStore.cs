namespace Fleet.Storage.Results;

/// <summary>
/// Where a job's rows go. A shard's part is written whole or not at all, under a name fixed by the shard,
/// so running a shard twice replaces its part instead of adding rows.
/// </summary>
public interface IResultStore
{
    string Describe();

    /// <summary>
    /// The job's folder in one canonical spelling (a URI with no query for a container, <c>file:</c> and the real path for
    /// a folder), ending in '/': what an output claim is keyed by, so two spellings of one place are one claim.
    /// </summary>
    string ClaimOf(string jobId);

    /// <summary>
    /// Writes one attempt at a shard (<paramref name="attemptId"/>: unique per attempt, e.g. the lease id) where no reader
    /// sees it, as parts in <paramref name="format"/>. Several attempts may stage the same shard; the one that commits last
    /// is what readers see, whole.
    /// </summary>
    Task<IStagedShard> StageShardAsync(string jobId, int shard, Guid attemptId, IReadOnlyList<ResultRow> rows, IReadOnlyList<ResultRow> errorRows, IResultPartFormat format, CancellationToken cancellationToken);

    Task WriteSuccessAsync(string jobId, string json, CancellationToken cancellationToken);

    /// <summary>The names (relative to the output) of the committed part files, data and errors, in any format.</summary>
    IAsyncEnumerable<string> ListPartsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of one committed part (a name <see cref="ListPartsAsync"/> gave), decoded: one part at a time is all a
    /// reader that pages through a job holds (the rows API). A part that is not there (a shard re-running) is empty.
    /// </summary>
    Task<IReadOnlyList<ResultRow>> ReadPartAsync(string part, CancellationToken cancellationToken);

    /// <summary>Every committed row of the job as a JSON line (whatever its part's format), data parts and error parts.</summary>
    IAsyncEnumerable<string> ReadRowsAsync(string jobId, CancellationToken cancellationToken);
}
