namespace Fleet.Jobs.Protocol;

/// <summary>A pending loss counted as a lost worker; <see cref="NowIsolated"/> when that made its shard run one image at a time.</summary>
public sealed record LostWorker(PendingLoss Loss, bool NowIsolated);
