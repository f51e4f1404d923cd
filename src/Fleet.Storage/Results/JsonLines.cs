using System.Text;

namespace Fleet.Storage.Results;

internal static class JsonLines
{
    public static byte[] Encode(IReadOnlyList<string> lines)
    {
        var builder = new StringBuilder();
        foreach (var line in lines)
            builder.Append(line).Append('\n');
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    public static IEnumerable<string> Decode(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
