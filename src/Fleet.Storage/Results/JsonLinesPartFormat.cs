using System.Text;

namespace Fleet.Storage.Results;

/// <summary>A part as one JSON row per line (DESIGN.md "Result row"), the default.</summary>
public sealed class JsonLinesPartFormat : IResultPartFormat
{
    public static JsonLinesPartFormat Instance { get; } = new();

    public string Name => "jsonl";

    public string Extension => "jsonl";

    public Task<byte[]> EncodeAsync(IReadOnlyList<ResultRow> rows, CancellationToken cancellationToken)
    {
        var builder = new StringBuilder();
        foreach (var row in rows)
            builder.Append(row.ToJson()).Append('\n');
        return Task.FromResult(Encoding.UTF8.GetBytes(builder.ToString()));
    }

    public Task<IReadOnlyList<ResultRow>> DecodeAsync(byte[] part, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ResultRow>>([.. Lines(Encoding.UTF8.GetString(part)).Select(ResultRow.Parse)]);

    public static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
