namespace Fleet.Jobs.Protocol;

/// <summary>
/// A suspect shard (persisted in the job record): its leases kept expiring with their workers, so it runs one image
/// at a time with the image in flight recorded first. A worker lost with an image in flight is a crash charged to that
/// image; an image charged <c>PoisonAfter</c> crashes is poisoned: written as an error row and never read again.
/// </summary>
[GenerateSerializer, Alias("fleet.ShardIsolation")]
public sealed class ShardIsolation
{
    /// <summary>The image an isolated worker said it was about to process; null before the first one.</summary>
    [Id(0)] public int? InFlight { get; set; }

    /// <summary>Crashes charged to each image.</summary>
    [Id(1)] public Dictionary<int, int> Crashes { get; set; } = [];

    [Id(2)] public List<int> Poisoned { get; set; } = [];

    /// <summary>Workers lost with no image in flight: nothing to blame, so they count towards failing the job.</summary>
    [Id(3)] public int UnexplainedLosses { get; set; }

    /// <summary>The isolated worker was lost: charge the image in flight, poisoning it at <paramref name="poisonAfter"/> crashes.</summary>
    public void WorkerLost(int poisonAfter)
    {
        if (InFlight is not { } item)
        {
            UnexplainedLosses++;
            return;
        }
        InFlight = null;
        var crashes = Crashes[item] = Crashes.GetValueOrDefault(item) + 1;
        if (crashes >= poisonAfter && !Poisoned.Contains(item))
            Poisoned.Add(item);
    }
}
