namespace Fleet.Bench.Decoding;

/// <summary>One way to turn an encoded photo into the classifier's normalised 3x224x224 input (decode, resize, crop, normalise).</summary>
internal interface IDecodeCandidate
{
    string Name { get; }

    /// <summary>Writes image <paramref name="index"/> of <paramref name="batch"/>.</summary>
    void Write(byte[] encoded, float[] batch, int index);
}
