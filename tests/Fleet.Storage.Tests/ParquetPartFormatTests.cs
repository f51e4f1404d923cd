using System.Text.Json;
using Fleet.Storage.Results;
using Parquet;

namespace Fleet.Storage.Tests;

public sealed class ParquetPartFormatTests
{
    private static readonly ResultModels Models = new("mobilenetv2-12-int8", "fleet-caption-gpt2-small", "CPUExecutionProvider");

    [Fact]
    public async Task A_part_reads_back_as_the_rows_that_were_written()
    {
        ResultRow[] rows =
        [
            new()
            {
                Uri = "file:///data/a.jpg",
                Labels = [new ResultLabel("tabby", 281, 0.6f), new ResultLabel("tiger cat", 282, 0.3f)],
                Caption = "A tabby is sitting.",
                Model = Models,
                Shard = 4,
                Input = new() { ["id"] = JsonSerializer.SerializeToElement("a-1"), ["split"] = JsonSerializer.SerializeToElement(7) },
            },
            new() { Uri = "file:///data/b.jpg", Labels = [new ResultLabel("goldfish", 1, 0.9f)], Model = Models, Shard = 4 },
        ];

        var back = await ParquetPartFormat.Instance.DecodeAsync(await ParquetPartFormat.Instance.EncodeAsync(rows, default), default);

        Assert.Equal(2, back.Count);
        Assert.Equal(rows[0].Labels, back[0].Labels);
        Assert.Equal("A tabby is sitting.", back[0].Caption);
        Assert.Equal(Models, back[0].Model);
        Assert.Equal(4, back[1].Shard);
        // Input columns are text in Parquet (a column's type could differ between shards): 7 arrives as "7".
        Assert.Equal("a-1", back[0].Input!["id"].GetString());
        Assert.Equal("7", back[0].Input!["split"].GetString());
        Assert.Null(back[1].Input);
        Assert.Null(back[1].Caption);
    }

    [Fact]
    public async Task Columns_are_flat_where_users_filter_and_the_file_names_its_schema_version()
    {
        ResultRow[] rows =
        [
            new() { Uri = "u1", Labels = [new ResultLabel("tabby", 281, 0.6f)], Model = Models },
            new() { Uri = "u2", Error = "decode: not an image", Model = Models },
        ];
        using var stream = new MemoryStream(await ParquetPartFormat.Instance.EncodeAsync(rows, default));
        await using var reader = await ParquetReader.CreateAsync(stream);

        Assert.Equal(ResultRow.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.CustomMetadata[ParquetPartFormat.SchemaVersionKey]);
        Assert.Equal(["uri", "label", "score", "labels", "caption", "error", "shard", "classifier", "captioner", "provider"], reader.Schema.Fields.Select(f => f.Name));
        Assert.IsType<Parquet.Schema.ListField>(reader.Schema.Fields.Single(f => f.Name == "labels"));
        Assert.Equal(2, reader.Metadata!.NumRows);
    }

    [Fact]
    public async Task An_empty_part_is_a_valid_file()
    {
        var back = await ParquetPartFormat.Instance.DecodeAsync(await ParquetPartFormat.Instance.EncodeAsync([], default), default);
        Assert.Empty(back);
    }
}
