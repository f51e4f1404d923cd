namespace Fleet.Jobs.Protocol;

/// <summary>
/// A suspect shard (persisted in the job record): its workers kept being lost, so it runs one image at a time with
/// the image in flight recorded first. A worker lost with an image in flight (and silent since: see
/// <see cref="PendingLoss"/>) is a crash charged to that image; an image charged <c>PoisonAfter</c> crashes is
/// poisoned: written as an error row and never read again.
/// </summary>
[GenerateSerializer, Alias("fleet.ShardIsolation")]
public sealed class ShardIsolation
{
    /// <summary>The image an isolated worker said it was about to process; null before the first one and after the last.</summary>
    [Id(0)] public int? InFlight { get; set; }

    /// <summary>Crashes charged to each image.</summary>
    [Id(1)] public Dictionary<int, int> Crashes { get; set; } = [];

    [Id(2)] public List<int> Poisoned { get; set; } = [];

    /// <summary>Workers lost with no image in flight: nothing to blame, so they count towards failing the job.</summary>
    [Id(3)] public int UnexplainedLosses { get; set; }

    /// <summary>The lease that named <see cref="InFlight"/>.</summary>
    [Id(4)] public Guid? InFlightLease { get; set; }

    /// <summary>The worker holding <paramref name="lease"/> is about to process <paramref name="item"/> (null: none, it is past the last).</summary>
    public void Started(Guid lease, int? item)
    {
        InFlight = item;
        InFlightLease = item is null ? null : lease;
    }

    /// <summary><paramref name="lease"/> was lost: the image it had in flight, if any (no longer in flight).</summary>
    public int? TakeInFlight(Guid lease)
    {
        if (InFlightLease != lease)
            return null;
        var item = InFlight;
        Started(lease, item: null);
        return item;
    }

    /// <summary>A lost worker stayed silent: charge <paramref name="item"/> with a crash (null: nothing to blame), poisoning it at <paramref name="poisonAfter"/>.</summary>
    public void Charge(int? item, int poisonAfter)
    {
        if (item is not { } image)
        {
            UnexplainedLosses++;
            return;
        }
        var crashes = Crashes[image] = Crashes.GetValueOrDefault(image) + 1;
        if (crashes >= poisonAfter && !Poisoned.Contains(image))
            Poisoned.Add(image);
    }
}
