namespace Fleet.Inference.Captioning.Grounding;

/// <summary>How sure a caption may sound about its top label (<see cref="GroundingRule.Confidence"/>).</summary>
public enum CaptionConfidence
{
    Confident,
    Probable,
    Low,
}
