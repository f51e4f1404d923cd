using System.Text.Json;
using Fleet.Jobs.Finish;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Finish;

public sealed class PartsManifestTests
{
    [Fact]
    public void Part_names_sort_in_shard_order_past_a_million_shards_and_parse_back()
    {
        int[] shards = [0, 7, 999_999, 1_000_000, 1_000_001, 9_999_999, 15_600_000, int.MaxValue];
        var names = shards.Select(s => ResultLayout.Part("job", s, JsonLinesPartFormat.Instance)).ToArray();

        Assert.Equal(names, names.Order(StringComparer.Ordinal));
        Assert.Equal("job/part-999999.jsonl", names[2]);
        Assert.Equal("job/part-z0001000000.jsonl", names[3]);
        Assert.Equal(shards.Select(s => (int?)s), names.Select(ResultLayout.ShardOfPartFile));
        Assert.Equal(1_000_000, ResultLayout.ShardOfPartFile(ResultLayout.ErrorPart("job", 1_000_000, JsonLinesPartFormat.Instance)));
    }

    [Theory]
    [InlineData("job/_SUCCESS.json")]
    [InlineData("job/part-12.jsonl")]
    [InlineData("job/part-z0000000012.jsonl")]
    [InlineData("job/part-1000000.jsonl")]
    [InlineData("job/part-00001x.jsonl")]
    public void A_name_that_is_not_a_part_has_no_shard(string name) => Assert.Null(ResultLayout.ShardOfPartFile(name));

    [Fact]
    public void The_success_marker_states_the_count_and_rule_whose_names_are_the_parts_a_job_writes()
    {
        var manifest = PartsManifest.For("job", shards: 3, errorParts: 1, ParquetPartFormat.Instance);
        var json = JsonSerializer.Serialize(manifest, JsonSerializerOptions.Web);

        var read = JsonSerializer.Deserialize<PartsManifest>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(manifest, read);
        Assert.Equal(Enumerable.Range(0, 3).Select(s => ResultLayout.Part("job", s, ParquetPartFormat.Instance)), read.DataParts());
        Assert.Equal((3, 1, "job/part-000000.parquet", "job/part-000002.parquet"), (read.Data, read.Errors, read.First, read.Last));
        Assert.Contains("\"naming\":\"part-{shard:D6} below shard 1000000, part-z{shard:D10} from it on\"", json);
    }

    [Fact]
    public void Missing_parts_are_the_shards_without_a_data_part_and_error_parts_are_counted()
    {
        var seen = new MissingParts("job", 4, JsonLinesPartFormat.Instance);
        foreach (var name in new[] { "job/part-000000.jsonl", "job/part-000002.jsonl", "job/errors/part-000001.jsonl", "job/part-000003.parquet", "other/part-000003.jsonl" })
            seen.Saw(name);

        Assert.Equal([1, 3], seen.Missing());
        Assert.Equal(1, seen.ErrorParts);
    }
}
