namespace Fleet.Storage.Results;

/// <summary>
/// How one part file holds rows. The store stages and commits a part's bytes the same way whatever the format, so
/// every format gets the same exactly-once commit (<see cref="IResultStore"/>).
/// </summary>
public interface IResultPartFormat
{
    /// <summary>The format's name in a job spec (Fleet.Contracts.ResultFormats).</summary>
    string Name { get; }

    /// <summary>The part files' extension, without the dot: a part's name says how to read it.</summary>
    string Extension { get; }

    /// <summary>One part file holding <paramref name="rows"/>, in order (an empty list is a valid, empty part).</summary>
    Task<byte[]> EncodeAsync(IReadOnlyList<ResultRow> rows, CancellationToken cancellationToken);

    Task<IReadOnlyList<ResultRow>> DecodeAsync(byte[] part, CancellationToken cancellationToken);
}
