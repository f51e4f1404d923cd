namespace Fleet.Storage.Datasets;

/// <summary>
/// The bytes of an item inside a larger object: <see cref="Length"/> bytes from <see cref="Offset"/> of the file or blob its
/// URI names (the URI's #fragment only names the member for people). A tar member is read this way, by a ranged read,
/// so a worker never downloads or unpacks the rest of the tar.
/// </summary>
public readonly record struct ItemRange(long Offset, long Length)
{
    public long End => Offset + Length;
}
