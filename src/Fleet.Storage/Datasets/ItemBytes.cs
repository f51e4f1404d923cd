namespace Fleet.Storage.Datasets;

/// <summary>
/// One dataset item's bytes: the first <see cref="Length"/> bytes of <see cref="Buffer"/>. When <see cref="Pooled"/>,
/// the buffer was rented from the pool the caller passed to <see cref="ItemReader.ReadAsync(string, System.Buffers.ArrayPool{byte}, CancellationToken)"/>
/// and goes back to it once the bytes are no longer needed.
/// </summary>
public readonly record struct ItemBytes(byte[] Buffer, int Length, bool Pooled)
{
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);
}
