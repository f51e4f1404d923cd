namespace Fleet.Contracts;

/// <summary>
/// One labeled image for the caption grain: its URI (which seeds its sampling, so a re-run writes the same caption)
/// and its labels with scores, most confident first: the evidence its caption may use.
/// </summary>
[GenerateSerializer, Alias("fleet.CaptionInput")]
public sealed record CaptionInput(
    [property: Id(0)] string Uri,
    [property: Id(1)] IReadOnlyList<CaptionLabel> Labels);
