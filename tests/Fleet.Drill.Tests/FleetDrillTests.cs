using Xunit.Abstractions;

namespace Fleet.Drill.Tests;

/// <summary>
/// The fault drill on a multi-host fleet (see <see cref="DrillFleet"/>, <see cref="DrillScenarios"/>). CI runs scenarios
/// 1, 1b (scale-in), 2 and 3 on a short job; the full drill runs all six on a longer one and prints the table docs/reliability.md shows.
/// </summary>
public sealed class FleetDrillTests(ITestOutputHelper output)
{
    /// <summary>CI: 3 silos, 400 images in 40 shards, a 10 s lease, a 25 s storage outage.</summary>
    private static readonly DrillSettings Short = new(Silos: 3, Images: 400, ShardSize: 10, LeaseDuration: TimeSpan.FromSeconds(10),
        StorageOutage: TimeSpan.FromSeconds(25), JobTimeout: TimeSpan.FromMinutes(4));

    /// <summary>The full drill: 3,000 images in 60 shards, a 90 s storage outage, and a slow silo last.</summary>
    private static readonly DrillSettings Long = new(Silos: 3, Images: 3000, ShardSize: 50, LeaseDuration: TimeSpan.FromSeconds(10),
        StorageOutage: TimeSpan.FromSeconds(90), JobTimeout: TimeSpan.FromMinutes(10));

    [DrillFact]
    public Task A_killed_silo_a_scaled_in_silo_a_cut_off_host_and_a_storage_outage_lose_no_image_and_duplicate_none() =>
        DrillAsync(Short, s => [s.KillSiloAsync, s.ScaleInSiloAsync, s.PartitionSiloAsync, s.StorageOutageAsync]);

    [DrillFact(full: true)]
    public Task Full_drill_every_scenario_on_a_longer_job() =>
        DrillAsync(Long, s => [s.KillSiloAsync, s.ScaleInSiloAsync, s.PartitionSiloAsync, s.StorageOutageAsync, s.RestartApiAsync, s.RestartClusterAsync, s.DeleteOutputAsync, s.SlowSiloAsync]);

    private async Task DrillAsync(DrillSettings settings, Func<DrillScenarios, Func<CancellationToken, Task<DrillFigures>>[]> scenarios)
    {
        using var timeout = new CancellationTokenSource(settings.JobTimeout * 8);
        var started = DateTime.UtcNow;
        await using var fleet = await DrillFleet.StartAsync(settings, timeout.Token);
        Log($"fleet up in {(DateTime.UtcNow - started).TotalSeconds:0} s: {settings.Silos} silos and the API in namespaces, logs in {fleet.Folder}");
        var drill = new DrillScenarios(fleet, Log);
        var results = new List<DrillFigures> { await drill.BaselineAsync(timeout.Token) };
        foreach (var scenario in scenarios(drill))
            results.Add(await scenario(timeout.Token));

        var table = string.Join('\n', new[] { DrillFigures.Header }.Concat(results.Select(r => r.Row)));
        var notes = string.Join('\n', results.Select(r => $"- {r.Scenario}: {r.Note}"));
        Log($"\n{table}\n\n{notes}");
        await File.WriteAllTextAsync(Path.Combine(fleet.Folder, "drill.md"), $"{table}\n\n{notes}\n");
        if (Environment.GetEnvironmentVariable("FLEET_DRILL_TABLE") is { Length: > 0 } copy)
            await File.WriteAllTextAsync(copy, $"{table}\n\n{notes}\n");
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Scenario}: {r.Row}\n{r.Note}\nlogs: {fleet.Folder}"));
    }

    private void Log(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
