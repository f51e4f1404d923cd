using Fleet.Contracts;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests;

public sealed class ResultFormatTests
{
    [Fact]
    public void Every_format_a_spec_may_name_has_a_part_writer_of_that_name()
    {
        // Contracts (the spec's list) and Storage (the writers) cannot reference each other: this keeps them in step.
        Assert.Equal(ResultFormats.All, ResultPartFormats.All.Select(f => f.Name));
        Assert.Same(JsonLinesPartFormat.Instance, ResultPartFormats.For(ResultFormats.Default));
        // A spec persisted before formats existed has none: its parts stay JSON lines.
        Assert.Same(JsonLinesPartFormat.Instance, ResultPartFormats.For(null));
    }

    [Theory]
    [InlineData(null, "jsonl")]
    [InlineData("parquet", "parquet")]
    [InlineData(" Parquet ", "parquet")]
    public void A_request_gets_JSON_lines_unless_it_asks_for_another_format(string? format, string expected)
    {
        var spec = new SubmitJobRequest { Dataset = "d", Output = "o", Format = format }.ToSpec();

        Assert.Equal(expected, spec.Format);
        Assert.Empty(JobSpecValidator.Validate(spec));
    }

    [Fact]
    public void An_unknown_format_is_refused_naming_the_field_and_the_choices()
    {
        var problems = new SubmitJobRequest { Dataset = "d", Output = "o", Format = "csv" }.Problems("job");

        Assert.Equal("must be one of jsonl, parquet, was 'csv'", problems["format"]);
    }
}
