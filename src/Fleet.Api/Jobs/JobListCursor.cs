using System.Globalization;

namespace Fleet.Api.Jobs;

/// <summary>The <c>cursor</c> of GET /jobs: the registry's sequence number of the last job of the previous page.</summary>
public static class JobListCursor
{
    public const string Rule = "must be the cursor of a previous page's Link header (a positive whole number)";

    public static string Format(long before) => before.ToString(CultureInfo.InvariantCulture);

    /// <summary>No cursor is the first page (<paramref name="before"/> null); anything but a positive number is refused.</summary>
    public static bool TryParse(string? cursor, out long? before)
    {
        before = null;
        if (cursor is null)
            return true;
        if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            return false;
        before = value;
        return true;
    }
}
