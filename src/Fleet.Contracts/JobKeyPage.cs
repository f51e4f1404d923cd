namespace Fleet.Contracts;

/// <summary>
/// One page of the registry's job keys, newest first. <see cref="Next"/> is the cursor of the next (older) page, null
/// on the last: a cursor is a registration's sequence number, so a page never repeats or skips a job because newer
/// jobs arrived between two pages.
/// </summary>
[GenerateSerializer, Alias("fleet.JobKeyPage")]
public sealed record JobKeyPage([property: Id(0)] IReadOnlyList<string> Keys, [property: Id(1)] long? Next);
