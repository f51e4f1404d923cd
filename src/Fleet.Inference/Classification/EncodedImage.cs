namespace Fleet.Inference.Classification;

/// <summary>One encoded image in a stream: its position in the caller's list, and the file's bytes.</summary>
public readonly record struct EncodedImage(int Index, ReadOnlyMemory<byte> Bytes);
