using Fleet.Jobs.Registry;

namespace Fleet.Jobs.Tests;

public sealed class JobIndexTests
{
    private static List<string> AllPages(JobIndex index, string? owner, int pageSize)
    {
        var keys = new List<string>();
        long? cursor = null;
        do
        {
            var page = index.Page(owner, cursor, pageSize);
            Assert.True(page.Keys.Count <= pageSize);
            keys.AddRange(page.Keys);
            cursor = page.Next;
        }
        while (cursor is not null);
        return keys;
    }

    [Fact]
    public void A_thousand_jobs_of_one_owner_leave_another_owners_jobs_kept_and_every_kept_job_is_on_a_page()
    {
        var record = new JobRegistryRecord();
        var index = new JobIndex(record, maxPerOwner: 1000);
        index.Add("alice~old");
        for (var i = 0; i < 3000; i++)
            index.Add($"spam~job-{i:D4}");

        Assert.True(index.Knows("alice~old"));
        Assert.Equal(["alice~old"], AllPages(index, "alice", 7));
        var spam = AllPages(index, "spam", 97);
        // The spammer keeps its newest 1,000, newest first, and exactly those are known.
        Assert.Equal(Enumerable.Range(2000, 1000).Reverse().Select(i => $"spam~job-{i:D4}"), spam);
        Assert.False(index.Knows("spam~job-1999"));
        Assert.True(index.Knows("spam~job-2000"));
        var everyone = AllPages(index, owner: null, 100);
        Assert.Equal(1001, everyone.Count);
        Assert.Equal("alice~old", everyone[^1]);
        Assert.Equal(everyone.Count, everyone.Distinct().Count());
    }

    [Fact]
    public void An_active_job_is_never_forgotten_an_ended_one_beyond_the_cap_is_forgotten_when_it_ends()
    {
        var record = new JobRegistryRecord();
        var index = new JobIndex(record, maxPerOwner: 2);
        // As the registry calls it: a job is active when it registers.
        foreach (var key in new[] { "bob~running", "bob~a", "bob~b" })
        {
            record.Active.Add(key);
            index.Add(key);
        }

        Assert.Equal(["bob~b", "bob~a", "bob~running"], index.Page("bob", null, 10).Keys);

        record.Active.Remove("bob~a");
        Assert.True(index.Trim("bob"));
        Assert.False(index.Knows("bob~a"));
        Assert.Equal(["bob~b", "bob~running"], index.Page("bob", null, 10).Keys);

        // Back within the cap: the oldest job stays when it ends, and a new one then pushes out the oldest ended one.
        record.Active.Remove("bob~running");
        Assert.False(index.Trim("bob"));
        record.Active.Add("bob~c");
        index.Add("bob~c");
        Assert.Equal(["bob~c", "bob~b"], index.Page("bob", null, 10).Keys);
    }

    [Fact]
    public void A_cursor_pages_on_from_where_it_was_even_when_newer_jobs_arrive_between_pages()
    {
        var index = new JobIndex(new JobRegistryRecord(), maxPerOwner: 100);
        for (var i = 0; i < 5; i++)
            index.Add($"job-{i}");

        var first = index.Page(null, null, 2);
        index.Add("job-new");
        var second = index.Page(null, first.Next, 2);
        var third = index.Page(null, second.Next, 2);

        Assert.Equal(["job-4", "job-3"], first.Keys);
        Assert.Equal(["job-2", "job-1"], second.Keys);
        Assert.Equal(["job-0"], third.Keys);
        Assert.Null(third.Next);
    }

    [Fact]
    public void A_registry_written_before_numbering_keeps_its_jobs_in_order_and_a_lowered_cap_applies_at_load()
    {
        var record = new JobRegistryRecord { Recent = ["a", "carol~b", "c", "carol~d"] };

        var index = new JobIndex(record, maxPerOwner: 1);

        Assert.True(index.Changed);
        Assert.Empty(record.Recent);
        Assert.Equal(["carol~d", "c"], index.Page(null, null, 10).Keys);
        Assert.Equal(["carol~d"], index.Page("carol", null, 10).Keys);
        Assert.False(new JobIndex(record, maxPerOwner: 1).Changed);
    }
}
