namespace Fleet.Storage.Datasets.Slices;

/// <summary>An item of a manifest slice and the byte offset of the line it came from.</summary>
public readonly record struct SlicedItem(long Offset, DatasetItem Item);
