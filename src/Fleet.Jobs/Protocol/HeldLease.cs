namespace Fleet.Jobs.Protocol;

/// <summary>A lease out, as the job persists it: enough to count it as lost after a re-activation.</summary>
[GenerateSerializer, Alias("fleet.HeldLease")]
public sealed record HeldLease([property: Id(0)] int Shard, [property: Id(1)] string Worker);
