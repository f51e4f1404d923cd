using Fleet.Testing.Simulation;
using Xunit.Abstractions;

namespace Fleet.EndToEnd.Tests;

/// <summary>
/// The control-plane simulation at CI size: a job of stand-in items on four in-process silos whose whole cluster is
/// killed halfway, then resumed by a new cluster against the same storage. The figures are the bench's
/// (`fleet-bench control-plane-scale`); here only what must hold at any speed is asserted.
/// </summary>
public sealed class ControlPlaneSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_killed_with_its_whole_cluster_at_half_resumes_and_commits_every_item_exactly_once()
    {
        var figures = await ControlPlaneSimulation.RunAsync(new SimulationOptions
        {
            Images = 20_000,
            Silos = 4,
            KillAt = 0.5,
            // At most 8 shards in flight for 20 ms each (~400 shards/s whatever the control plane's speed), so the kill,
            // watched every 5 ms, lands near half on any machine and after any speed-up.
            LabelTime = TimeSpan.FromMilliseconds(20),
            Settings = new Dictionary<string, string?>
            {
                // The leases the dead cluster held come back after a lease's life: short, so the test is short.
                ["Fleet:Jobs:LeaseDuration"] = "00:00:03",
                ["Fleet:Jobs:SpeculateAfter"] = "00:00:02",
            },
            Timeout = TimeSpan.FromMinutes(3),
            Progress = output.WriteLine,
        }, CancellationToken.None);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(figures));

        Assert.Equal(0, figures.ItemsMissing);
        Assert.Equal(0, figures.ItemsDuplicated);
        var resume = Assert.IsType<ResumeFigures>(figures.Resume);
        // Killed mid-job, not at the end: the new cluster had work left to resume.
        Assert.InRange(resume.KilledAtFraction, 0.5, 0.95);
        // Nothing the dead cluster's checkpoints held was run again: only reports answered after its last landed write.
        Assert.Equal(0, resume.CheckpointedShardsRedone);
        Assert.InRange(resume.ShardsRedone, 0, resume.ShardsAfterLastCheckpoint);
    }
}
