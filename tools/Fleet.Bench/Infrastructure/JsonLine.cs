using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Bench.Infrastructure;

/// <summary>Each scenario's result: one JSON object on one line of stdout (progress goes to stderr).</summary>
internal static class JsonLine
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(object result) => Console.Out.WriteLine(JsonSerializer.Serialize(result, result.GetType(), Options));

    public static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
