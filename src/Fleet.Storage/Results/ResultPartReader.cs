namespace Fleet.Storage.Results;

/// <summary>A committed part's rows as JSON lines, whatever its format: what `fleet results`, `fleet verify` and the tests read.</summary>
internal static class ResultPartReader
{
    public static async Task<IReadOnlyList<string>> LinesAsync(string part, byte[] content, CancellationToken cancellationToken)
    {
        var format = ResultPartFormats.OfPart(part) ?? throw new InvalidDataException($"{part} is not a result part");
        // JSON lines pass through as written (no parse and print again).
        if (format is JsonLinesPartFormat)
            return [.. JsonLinesPartFormat.Lines(System.Text.Encoding.UTF8.GetString(content))];
        return [.. (await format.DecodeAsync(content, cancellationToken).ConfigureAwait(false)).Select(r => r.ToJson())];
    }
}
