namespace Fleet.Contracts;

/// <summary>One label of a <see cref="CaptionInput"/>: the classifier's class name, id and probability.</summary>
[GenerateSerializer, Alias("fleet.CaptionLabel")]
public sealed record CaptionLabel(
    [property: Id(0)] string Label,
    [property: Id(1)] int ClassId,
    [property: Id(2)] float Score);
