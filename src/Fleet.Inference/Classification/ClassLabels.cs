using System.Text.Json;

namespace Fleet.Inference.Classification;

/// <summary>Reads a labels file: a JSON array of class names in class-index order.</summary>
internal static class ClassLabels
{
    public static string[] Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var labels = JsonSerializer.Deserialize<string[]>(stream);
            return labels is { Length: > 0 } && labels.All(label => label is not null)
                ? labels
                : throw new InvalidDataException($"Labels file {path} holds no labels.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Labels file {path} is not a JSON array of strings: {ex.Message}", ex);
        }
    }
}
