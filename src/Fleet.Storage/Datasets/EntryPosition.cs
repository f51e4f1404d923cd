using System.Globalization;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Where a manifest entry lies, as its error rows name it and as its checkpoint: a 1-based line for a listing read from
/// the start, a byte offset for a slice of a manifest planned by byte ranges (a slice does not know its line numbers).
/// </summary>
internal readonly record struct EntryPosition(string Label, string Checkpoint)
{
    public static EntryPosition Line(long line) => new($"line {Format(line)}", Format(line));

    public static EntryPosition Byte(long offset) => new($"byte {Format(offset)}", Format(offset));

    /// <summary>A line number, as every listing but a slice's gives it.</summary>
    public static implicit operator EntryPosition(long line) => Line(line);

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
