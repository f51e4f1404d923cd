using Fleet.Contracts;
using Fleet.Jobs.Admission;
using Fleet.Jobs.Finish;
using Fleet.Models;

namespace Fleet.Jobs.Tests;

/// <summary>A job's captions keep one style: a resume under another caption model or lexicon is refused with the reason.</summary>
public sealed class CaptionStyleTests
{
    private static readonly ModelCatalog s_catalog = ModelCatalog.LoadDefault();

    private static JobRecord CaptionedJob(string? style, int shardsDone) => new()
    {
        Spec = new JobSpec { Dataset = "d", Output = "o", Captioner = JobSpec.DefaultCaptioner },
        State = JobState.Cancelled,
        ShardsDone = shardsDone,
        CaptionStyle = style,
    };

    [Fact]
    public void The_style_names_the_caption_model_and_the_lexicon_by_sha256()
    {
        var style = CaptionStyle.Of(new JobSpec { Dataset = "d", Output = "o", Captioner = JobSpec.DefaultCaptioner }, s_catalog);

        var model = s_catalog.Get(JobSpec.DefaultCaptioner);
        Assert.Contains(model.Sha256, style);
        Assert.Contains(s_catalog.GetLexiconFor(model)!.Sha256, style);
        Assert.Null(CaptionStyle.Of(new JobSpec { Dataset = "d", Output = "o" }, s_catalog));
    }

    [Fact]
    public void A_resume_under_the_same_style_goes_ahead()
    {
        var job = CaptionedJob(CaptionStyle.Of(new JobSpec { Dataset = "d", Output = "o", Captioner = JobSpec.DefaultCaptioner }, s_catalog), shardsDone: 3);

        Assert.Null(CaptionStyle.ResumeProblem(job, s_catalog));
    }

    [Theory]
    [InlineData("fleet-caption-gpt2-small sha256:f9aa84bf78965800008f53cfee31ebf6d37d5bbbf9741c4ffbab70050f9b64c7 (ungrounded)", "captioned by fleet-caption-gpt2-small sha256:f9aa84bf")]
    [InlineData(null, "from before grounded captions")]
    public void A_resume_that_would_mix_caption_styles_is_refused_with_both_styles(string? recorded, string expected)
    {
        var problem = CaptionStyle.ResumeProblem(CaptionedJob(recorded, shardsDone: 3), s_catalog);

        Assert.Contains(expected, problem);
        Assert.Contains("3 committed shards", problem);
        Assert.Contains("new job id", problem);
    }

    [Fact]
    public void A_job_with_nothing_committed_may_resume_under_any_style()
    {
        Assert.Null(CaptionStyle.ResumeProblem(CaptionedJob("some other model", shardsDone: 0), s_catalog));
    }

    [Fact]
    public void The_success_manifest_fingerprints_the_lexicon_and_the_evidence_threshold()
    {
        var spec = new JobSpec { Dataset = "d", Output = "o", Captioner = JobSpec.DefaultCaptioner, Caption = new CaptionOptions { MinLabelScore = 0.2f } };

        var captioner = ModelFingerprints.Of(spec, [], s_catalog)["captioner"];

        Assert.Equal(s_catalog.Get(JobSpec.DefaultCaptioner).Sha256, captioner.Sha256);
        Assert.StartsWith("caption-lexicon sha256:", captioner.Settings!["lexicon"]);
        Assert.Equal("0.2", captioner.Settings["minLabelScore"]);
        Assert.StartsWith("sample(", captioner.Settings["decoding"]);
    }
}
