namespace Fleet.Jobs.Planning;

/// <summary>One committed shard as adaptive sizing sees it: its slice's bytes and its worker's seconds on it.</summary>
public readonly record struct ShardSample(long Bytes, double Seconds);

/// <summary>
/// Chooses the slice bytes of a byte-range plan's shards still to come from how long committed shards took (pure): the
/// median seconds per byte of the samples predicts the current slice's time, and only a prediction off the target by
/// more than <see cref="Tolerance"/> changes it, towards the target, by at most <see cref="MaxStep"/>, within the
/// configured bounds. A shard is sized by its time, not its images: a job of tiny fast images gets fewer, larger
/// shards (fewer leases, commits and parts), a slow dataset smaller ones (no hour-long shard to lose or straggle).
/// </summary>
public static class ShardResizer
{
    /// <summary>Fewer samples than this say too little (one slow worker, one cold cache).</summary>
    public const int MinSamples = 8;

    /// <summary>A predicted shard time within this factor of the target is left alone (no resize on noise).</summary>
    public const double Tolerance = 2;

    /// <summary>The most one resize changes the slice by, either way: a wrong measurement costs one step, not the job.</summary>
    public const double MaxStep = 4;

    /// <summary>
    /// The slice bytes to use from now on, or null to keep <paramref name="currentBytes"/>. Samples without a size or a
    /// time (a worker that sent none: 0) are ignored.
    /// </summary>
    public static long? Next(IEnumerable<ShardSample> samples, long currentBytes, TimeSpan target, long minBytes, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(currentBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(minBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, minBytes);
        var rates = samples.Where(s => s.Bytes > 0 && s.Seconds > 0 && double.IsFinite(s.Seconds)).Select(s => s.Seconds / s.Bytes).Order().ToArray();
        if (rates.Length < MinSamples)
            return null;
        var secondsPerByte = rates.Length % 2 == 1 ? rates[rates.Length / 2] : (rates[rates.Length / 2 - 1] + rates[rates.Length / 2]) / 2;
        var predicted = currentBytes * secondsPerByte;
        var wanted = target.TotalSeconds;
        if (predicted <= wanted * Tolerance && predicted >= wanted / Tolerance)
            return null;
        var ratio = Math.Clamp(wanted / predicted, 1 / MaxStep, MaxStep);
        var next = (long)Math.Clamp(Math.Round(currentBytes * ratio), minBytes, maxBytes);
        // The bounds may push against what was measured (a slice already under the floor that runs too slow): keep it then.
        return ratio > 1 ? (next > currentBytes ? next : null) : (next < currentBytes ? next : null);
    }
}
