using SkiaSharp;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// Photos nobody on the team has looked at, made from the sample photos: for each, <c>variants</c> seeded random crops
/// (30-75 % of each side, anywhere in the frame), some mirrored, re-encoded as JPEG. A crop changes what the classifier
/// sees (often a part, often less sure), so its labels and scores are new evidence for the captioner.
/// </summary>
internal static class UnseenPhotos
{
    public static IReadOnlyList<(string Name, byte[] Jpeg)> Make(IReadOnlyList<string> photos, int variants, int seed = 20261206)
    {
        var random = new Random(seed);
        var made = new List<(string, byte[])>(photos.Count * variants);
        foreach (var path in photos)
        {
            using var source = SKBitmap.Decode(path);
            using var image = SKImage.FromBitmap(source);
            for (var v = 0; v < variants; v++)
            {
                var width = (int)(source.Width * (0.3 + (0.45 * random.NextDouble())));
                var height = (int)(source.Height * (0.3 + (0.45 * random.NextDouble())));
                var left = random.Next(source.Width - width + 1);
                var top = random.Next(source.Height - height + 1);
                var mirror = random.NextDouble() < 0.5;
                using var crop = new SKBitmap(width, height);
                using (var canvas = new SKCanvas(crop))
                {
                    if (mirror)
                    {
                        canvas.Scale(-1, 1, width / 2f, 0);
                    }

                    canvas.DrawImage(image, new SKRect(left, top, left + width, top + height), new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
                }

                using var data = crop.Encode(SKEncodedImageFormat.Jpeg, 85);
                made.Add(($"{Path.GetFileNameWithoutExtension(path)}-crop{v}", data.ToArray()));
            }
        }

        return made;
    }
}
