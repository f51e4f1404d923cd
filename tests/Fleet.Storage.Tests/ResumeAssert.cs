using Fleet.Storage.Datasets;

namespace Fleet.Storage.Tests;

/// <summary>The resume contract: after item k's checkpoint a listing yields exactly items k+1.. in the same order.</summary>
internal static class ResumeAssert
{
    public static async Task<List<DatasetItem>> ResumesExactlyAsync(IDatasetLister lister, int step)
    {
        var all = await lister.ListAsync(null, default).ToListAsync();
        Assert.NotEmpty(all);
        Assert.Equal(all.Count, all.Select(i => i.Checkpoint).Distinct().Count());

        var checkedPositions = Enumerable.Range(0, all.Count).Where(k => k % step == 0).Append(all.Count - 1).Distinct();
        foreach (var k in checkedPositions)
        {
            var tail = await lister.ListAsync(all[k].Checkpoint, default).ToListAsync();
            Assert.True(all.Skip(k + 1).SequenceEqual(tail), $"resuming after item {k} ({all[k].Checkpoint.Replace("\n", "\\n", StringComparison.Ordinal)}) gave {tail.Count} items, expected {all.Count - k - 1}");
        }
        return all;
    }
}
