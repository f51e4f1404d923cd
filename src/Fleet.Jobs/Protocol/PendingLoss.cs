namespace Fleet.Jobs.Protocol;

/// <summary>
/// A lease that ended without its worker (it expired, or died with an earlier activation of the job), with the image it
/// had in flight if its shard is isolated. It is a lost worker only if the holder stays silent: a live holder calls
/// again (a renewal, the next image, its commit) and is refused, which clears it. At <see cref="ChargeAt"/> silence is
/// taken as a crash and counted; sooner when the cluster declares the worker's silo dead.
/// </summary>
[GenerateSerializer, Alias("fleet.PendingLoss")]
public sealed record PendingLoss(
    [property: Id(0)] Guid LeaseId,
    [property: Id(1)] int Shard,
    [property: Id(2)] int? Item,
    [property: Id(3)] DateTimeOffset ChargeAt,
    [property: Id(4)] bool Isolated,
    [property: Id(5)] string Worker);
