namespace Fleet.Contracts;

/// <summary>
/// Captions one labeled batch with a causal LM on the silo that labeled it (a stateless worker: always local,
/// as many activations as there are cores), so only label words cross the grain boundary, never images.
/// </summary>
public interface ICaptionGrain : IGrainWithIntegerKey
{
    /// <summary>One caption per image, in order, from each image's label words.</summary>
    Task<IReadOnlyList<string>> Caption(string captioner, CaptionOptions options, IReadOnlyList<IReadOnlyList<string>> labelsPerImage);
}
