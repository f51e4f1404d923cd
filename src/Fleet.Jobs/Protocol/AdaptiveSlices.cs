using Fleet.Contracts;
using Fleet.Jobs.Planning;

namespace Fleet.Jobs.Protocol;

/// <summary>
/// Adaptive shard size for a byte-range plan (<see cref="ManifestPlan"/>), driven by the scheduler's leases, withdrawals
/// and commits (pure, no I/O). Two rules keep it exactly-once:
/// <list type="bullet">
/// <item>The lease limit. A shard past the persisted <see cref="ManifestPlan.LeaseLimit"/> is leased only once a write
/// raised the limit over it: such a lease raises it by max(<see cref="MinRaise"/>, a quarter of the shards below it)
/// and waits for the write (<see cref="LeaseGrant.WaitForWrite"/>). The limit grows geometrically, so a job waits for
/// O(log shards) writes, and every shard ever handed out is at or below a persisted limit.</item>
/// <item>A resize only at the limit. When a lease passes the limit, the shards from it on were never handed out in any
/// activation: only they may change (<see cref="ShardResizer"/> chooses, from the committed shards' bytes and seconds).
/// A shard handed out, or persisted as done, keeps its slice, so a part written by a worker of an earlier activation
/// is always of the same slice as the one a re-run writes.</item>
/// </list>
/// Off (<see cref="JobRunOptions.AdaptiveShardSize"/>), the first lease past the limit drops it (one write, then none):
/// the plan is never resized, even if a later activation has it on.
/// </summary>
public sealed class AdaptiveSlices(JobRunOptions options, JobRecord job, Action<int> replanned)
{
    /// <summary>The least a raise adds to the lease limit: the first shards go out after one write.</summary>
    public const int MinRaise = 32;

    /// <summary>Commits the resizer looks at (the most recent).</summary>
    public const int SampleWindow = 64;

    private readonly Queue<ShardSample> _samples = new();

    /// <summary>The highest shard a persisted record lets lease (int.MaxValue: no limit kept); null until the plan is seen.</summary>
    private int? _persisted;

    /// <summary>A raise whose lease waits for its write: confirmed by the next lease (calls do not interleave), undone by a withdrawal.</summary>
    private (Guid Lease, int Limit)? _raise;

    /// <summary>The commits the resizer would look at now.</summary>
    public IReadOnlyCollection<ShardSample> Samples => _samples;

    /// <summary>
    /// A lease was granted: true when it must wait for a write (it passes the persisted lease limit). Passing the
    /// limit in memory raises it, and may resize the shards from it on first (<paramref name="lease"/>'s among them:
    /// it is not handed out before this returns).
    /// </summary>
    public bool Leased(ActiveLease lease)
    {
        if (job.Plan is not { Exact: false } plan)
            return false;
        if (_raise is { } confirmed)
        {
            // The write that lease waited for landed (or it was withdrawn, which cleared this): the record has the limit.
            _persisted = confirmed.Limit;
            _raise = null;
        }
        _persisted ??= plan.LeaseLimit ?? int.MaxValue;
        if (lease.Shard <= _persisted)
            return false;
        if (plan.LeaseLimit is { } limit && lease.Shard > limit)
        {
            if (!options.AdaptiveShardSize)
            {
                plan.LeaseLimit = null;
            }
            else
            {
                // The cursor leases in order, so the first lease past the limit is the shard right after it.
                if (lease.Shard == limit + 1)
                    Resize(plan, lease.Shard);
                var raised = (long)limit + Math.Max(MinRaise, (limit + 1) / 4);
                plan.LeaseLimit = (int)Math.Max(lease.Shard, Math.Min(raised, plan.Shards - 1));
            }
        }
        _raise = (lease.Id, plan.LeaseLimit ?? int.MaxValue);
        return true;
    }

    /// <summary>The lease was never handed out (its write failed): its raise is not persisted, so the next lease past the persisted limit waits again.</summary>
    public void Withdrawn(Guid lease)
    {
        if (_raise?.Lease == lease)
            _raise = null;
    }

    /// <summary>A shard committed: its slice's bytes and its worker's seconds are a sample (a report without seconds is not).</summary>
    public void Committed(int shard, ShardReport report)
    {
        if (job.Plan is not { Exact: false } plan || report.Seconds <= 0 || !double.IsFinite(report.Seconds))
            return;
        _samples.Enqueue(new ShardSample(plan.BytesOf(shard), report.Seconds));
        if (_samples.Count > SampleWindow)
            _samples.Dequeue();
    }

    /// <summary>Resizes the shards from <paramref name="from"/> on when the samples say so, within the job's shard limit.</summary>
    private void Resize(ManifestPlan plan, int from)
    {
        var current = plan.CurrentSliceBytes;
        if (ShardResizer.Next(_samples, current, options.TargetShardTime, options.MinSliceBytes, options.MaxSliceBytes) is not { } next)
            return;
        // Smaller slices make more shards: never past the limit the plan was made under (none more than planned without one).
        var maxShards = plan.MaxShards > 0 ? plan.MaxShards : plan.Shards;
        if (plan.ShardsIfResized(from, next) > maxShards)
        {
            if (from >= maxShards)
                return;
            var start = plan.Slice(from).Start;
            next = Math.Max(next, (plan.Size - start + (maxShards - from) - 1) / (maxShards - from));
            if (next >= current)
                return;
        }
        plan.Resize(from, next);
        job.ShardCount = plan.Shards;
        replanned(plan.Shards);
    }
}
