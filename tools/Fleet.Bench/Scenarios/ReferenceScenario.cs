using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `reference`: the plain <see cref="ReferencePipeline"/> alone over a folder (or the sample photos repeated), reading
/// each file as it goes like `fleet run` does: a whole process to time next to `fleet run` over the same folder.
/// </summary>
internal static class ReferenceScenario
{
    public static async Task<object> RunAsync(int runs, int imageCount, string? folder)
    {
        using var photos = folder is null ? PhotoSet.Create(imageCount) : null;
        var files = Directory.GetFiles(folder ?? photos!.Folder).Order(StringComparer.Ordinal).ToArray();
        using var models = await InferenceModels.LoadAsync(withCaptioner: false);
        using var reference = new ReferencePipeline(await models.ResolveClassifierPathAsync());
        var rates = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var images = files.Select(File.ReadAllBytes).ToArray();
            var rate = await reference.RunAsync(images);
            rates.Add(rate);
            JsonLine.Progress($"reference: {rate:F1} img/s over {images.Length} images");
        }
        return new { scenario = "reference", images = files.Length, runs, imagesPerSecond = Spread.Of(rates) };
    }
}
