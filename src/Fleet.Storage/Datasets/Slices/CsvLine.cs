namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// One line of a CSV manifest as one RFC 4180 record (fields separated by ',', a field in double quotes may hold ','
/// and "" for a quote). A byte-range slice cannot know whether a line break lies inside quotes without reading from the
/// start, so a line is always a whole record: an unclosed quote is a malformed record, never the start of a longer one.
/// </summary>
internal static class CsvLine
{
    /// <summary>The fields of <paramref name="line"/> into <paramref name="fields"/>; false (with why) for a malformed record.</summary>
    public static bool TrySplit(string line, List<string> fields, out string? malformed)
    {
        fields.Clear();
        malformed = null;
        var i = 0;
        var field = new System.Text.StringBuilder();
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        malformed = "a quoted field is not closed on its line";
                        return false;
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    malformed = "text after a closing quote";
                    return false;
                }
            }
            else
            {
                var end = line.IndexOf(',', i);
                var text = end < 0 ? line.AsSpan(i) : line.AsSpan(i, end - i);
                if (text.Contains('"'))
                {
                    malformed = "a quote inside an unquoted field";
                    return false;
                }
                field.Append(text);
                i = end < 0 ? line.Length : end;
            }
            fields.Add(field.ToString());
            if (i >= line.Length)
                return true;
            i++; // the ','
        }
    }
}
