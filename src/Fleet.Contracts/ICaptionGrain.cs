namespace Fleet.Contracts;

/// <summary>
/// Captions one labeled batch with a causal LM on the silo that labeled it (a stateless worker: always local,
/// as many activations as there are cores), so only labels and scores cross the grain boundary, never images.
/// </summary>
public interface ICaptionGrain : IGrainWithIntegerKey
{
    /// <summary>One caption per image, in order, grounded in each image's labels and worded by their scores.</summary>
    Task<IReadOnlyList<string>> Caption(string captioner, CaptionOptions options, IReadOnlyList<CaptionInput> images);
}
