namespace Fleet.Inference.Classification;

/// <summary>One ranked class for an image; <see cref="Score"/> is a probability (softmax of the logits).</summary>
public sealed record Prediction(string Label, int ClassId, float Score);
