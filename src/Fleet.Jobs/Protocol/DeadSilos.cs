using System.Globalization;

namespace Fleet.Jobs.Protocol;

/// <summary>
/// Whether a worker's silo is gone, by the cluster's membership (a worker's id is its silo's address), so its leases
/// need no more waiting. Gone: declared dead, or never listed and older than every silo alive now, which is a silo of
/// a cluster that was killed whole (in-memory membership forgets it; every silo of the new cluster started after it).
/// Cached per membership version: a call scans nothing once the set is known.
/// </summary>
public sealed class DeadSilos(IClusterMembershipService membership)
{
    private HashSet<string> _dead = [];
    private HashSet<string> _listed = [];
    private int _oldestAlive = int.MaxValue;
    private MembershipVersion _at = MembershipVersion.MinValue;

    public bool IsDead(string worker)
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version != _at)
        {
            var members = snapshot.Members.Values;
            _dead = members.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
            _listed = members.Select(m => m.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
            _oldestAlive = members.Where(m => m.Status != SiloStatus.Dead).Select(m => m.SiloAddress.Generation).DefaultIfEmpty(int.MaxValue).Min();
            _at = snapshot.Version;
        }
        return _dead.Contains(worker) || (!_listed.Contains(worker) && GenerationOf(worker) is { } generation && generation < _oldestAlive);
    }

    /// <summary>The generation in a silo address's text (<c>S127.0.0.1:11111:431286732</c>: after the last colon); null if it has none.</summary>
    public static int? GenerationOf(string siloAddress)
    {
        var colon = siloAddress.LastIndexOf(':');
        return colon >= 0 && int.TryParse(siloAddress.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation) ? generation : null;
    }
}
