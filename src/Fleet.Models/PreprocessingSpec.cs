namespace Fleet.Models;

/// <summary>
/// How a classifier wants its pixels: torchvision's Resize(shorter side) + CenterCrop + ToTensor + Normalize,
/// i.e. value = (pixel / <see cref="Scale"/> - mean[c]) / std[c]. A model whose <see cref="InputType"/> is <c>uint8</c>
/// takes the cropped pixels as bytes and does that arithmetic in its own graph (the constants here say what it does).
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

    /// <summary><c>NCHW</c> for float input; <c>NHWC</c> for uint8 input (interleaved pixels, as a bitmap holds them).</summary>
    public string Layout { get; init; } = "NCHW";

    /// <summary><c>float32</c>: the normalised tensor. <c>uint8</c>: the crop's bytes, normalised inside the model.</summary>
    public string InputType { get; init; } = "float32";

    public bool IsBgr => string.Equals(ChannelOrder, "BGR", StringComparison.OrdinalIgnoreCase);

    /// <summary>The model takes the cropped pixels as uint8 NHWC, not the normalised float NCHW tensor.</summary>
    public bool TakesBytes => string.Equals(InputType, "uint8", StringComparison.OrdinalIgnoreCase);

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

        // The two shapes we have models for: the normalised float tensor, or the bytes as a bitmap holds them.
        if (TakesBytes)
        {
            if (!string.Equals(Layout, "NHWC", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"layout must be NHWC for uint8 input (is '{Layout}')");
            }
        }
        else if (!string.Equals(InputType, "float32", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"inputType must be float32 or uint8 (is '{InputType}')");
        }
        else if (!string.Equals(Layout, "NCHW", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"layout must be NCHW for float32 input (is '{Layout}')");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Model '{modelName}' has invalid preprocessing: {string.Join("; ", problems)}.");
        }
    }
}
