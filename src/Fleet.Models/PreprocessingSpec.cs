namespace Fleet.Models;

/// <summary>
/// How a classifier wants its pixels: torchvision's Resize(shorter side) + CenterCrop + ToTensor + Normalize,
/// i.e. value = (pixel / <see cref="Scale"/> - mean[c]) / std[c].
/// </summary>
public sealed record PreprocessingSpec
{
    public required int ResizeShorterSide { get; init; }

    public required int CropSize { get; init; }

    public float Scale { get; init; } = 255f;

    public required IReadOnlyList<float> Mean { get; init; }

    public required IReadOnlyList<float> Std { get; init; }

    /// <summary><c>RGB</c> or <c>BGR</c>: the order of the three planes in the tensor.</summary>
    public string ChannelOrder { get; init; } = "RGB";

    /// <summary>Only <c>NCHW</c> is supported.</summary>
    public string Layout { get; init; } = "NCHW";

    public bool IsBgr => string.Equals(ChannelOrder, "BGR", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws when the spec cannot be applied, so a bad catalog fails at load, not mid-batch.</summary>
    public void Validate(string modelName)
    {
        var problems = new List<string>();
        if (CropSize <= 0)
        {
            problems.Add($"cropSize must be positive (is {CropSize})");
        }

        if (ResizeShorterSide < CropSize)
        {
            problems.Add($"resizeShorterSide ({ResizeShorterSide}) must be at least cropSize ({CropSize})");
        }

        if (!(Scale > 0))
        {
            problems.Add($"scale must be positive (is {Scale})");
        }

        if (Mean is not { Count: 3 } || Std is not { Count: 3 })
        {
            problems.Add("mean and std need three values each");
        }
        else if (Std.Any(s => !(s > 0)))
        {
            problems.Add("std values must be positive");
        }

        if (!string.Equals(ChannelOrder, "RGB", StringComparison.OrdinalIgnoreCase) && !IsBgr)
        {
            problems.Add($"channelOrder must be RGB or BGR (is '{ChannelOrder}')");
        }

        if (!string.Equals(Layout, "NCHW", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"layout must be NCHW (is '{Layout}')");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Model '{modelName}' has invalid preprocessing: {string.Join("; ", problems)}.");
        }
    }
}
