using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Fleet.Api.Results;

/// <summary>
/// Where a page of rows starts (or where one row is): data parts or error parts, the shard whose part it is, and the
/// row's offset in that part. Parts are named by shard, so a cursor stays valid while the job runs (a shard committed
/// later still sorts where its number says) and costs the server nothing to hold. Opaque to clients (base64url text),
/// but not secret: it only ever addresses rows of the job whose route it is used on.
/// </summary>
public readonly record struct RowCursor(bool Errors, int Shard, int Offset)
{
    public static RowCursor Start => new(false, 0, 0);

    public static RowCursor ErrorsStart => new(true, 0, 0);

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{(Errors ? 'e' : 'd')}.{Shard}.{Offset}")));

    /// <summary>The cursor <paramref name="text"/> encodes; null when it is not one (a 400).</summary>
    public static RowCursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64)
            return null;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = Encoding.ASCII.GetString(bytes).Split('.');
        if (parts.Length != 3 || parts[0] is not ("d" or "e")
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return null;
        return new RowCursor(parts[0] == "e", shard, offset);
    }

    /// <summary>Does the part (<paramref name="errors"/>, <paramref name="shard"/>) come at or after this cursor's part?</summary>
    public bool IsAtOrBefore(bool errors, int shard) => (errors, Errors) switch
    {
        (false, true) => false,
        (true, false) => true,
        _ => shard >= Shard,
    };
}
