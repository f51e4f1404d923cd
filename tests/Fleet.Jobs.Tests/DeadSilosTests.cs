using System.Collections.Immutable;
using System.Net;
using Fleet.Jobs.Protocol;

namespace Fleet.Jobs.Tests;

public sealed class DeadSilosTests
{
    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private sealed class Membership(params (SiloAddress Silo, SiloStatus Status)[] members) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot { get; set; } = Snapshot(1, members);

        public static ClusterMembershipSnapshot Snapshot(long version, params (SiloAddress Silo, SiloStatus Status)[] members) =>
            new(members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Silo.ToString())), new MembershipVersion(version));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }

    [Fact]
    public void A_silo_declared_dead_is_dead_and_a_live_one_is_not()
    {
        var (alive, dead) = (Silo(11111, 100), Silo(11112, 100));
        var silos = new DeadSilos(new Membership((alive, SiloStatus.Active), (dead, SiloStatus.Dead)));

        Assert.True(silos.IsDead(dead.ToString()));
        Assert.False(silos.IsDead(alive.ToString()));
    }

    [Fact]
    public void A_silo_never_listed_is_gone_only_when_older_than_every_silo_alive()
    {
        var (oldest, newer) = (Silo(11111, 200), Silo(11112, 300));
        var membership = new Membership((oldest, SiloStatus.Active), (newer, SiloStatus.Active));
        var silos = new DeadSilos(membership);

        // The cluster was killed whole and restarted: a worker of the old one is not listed and predates every member.
        Assert.True(silos.IsDead(Silo(11113, 150).ToString()));
        // Started after the oldest member: it may be joining, and is not charged.
        Assert.False(silos.IsDead(Silo(11113, 250).ToString()));
        Assert.False(silos.IsDead("not a silo"));

        // A new membership version is read again: once the old member is gone, 250 predates every one alive.
        membership.CurrentSnapshot = Membership.Snapshot(2, (oldest, SiloStatus.Dead), (newer, SiloStatus.Active));
        Assert.True(silos.IsDead(Silo(11113, 250).ToString()));
    }

    [Fact]
    public void The_generation_is_read_after_the_last_colon_of_a_silo_address() =>
        Assert.Equal(431286732, DeadSilos.GenerationOf(Silo(11111, 431286732).ToString()));
}
