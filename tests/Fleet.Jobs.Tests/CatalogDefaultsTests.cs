using Fleet.Contracts;
using Fleet.Models;

namespace Fleet.Jobs.Tests;

public sealed class CatalogDefaultsTests
{
    [Fact]
    public void The_job_spec_defaults_are_the_catalogs_defaults()
    {
        var catalog = ModelCatalog.LoadDefault();

        // A job's classifier is chosen by each silo ("auto") between the catalog's CPU and GPU defaults, both classifiers.
        Assert.Equal(JobSpec.AutoClassifier, JobSpec.DefaultClassifier);
        Assert.True(catalog.Get(catalog.Defaults[ModelKinds.Classifier]).IsKind(ModelKinds.Classifier));
        Assert.True(catalog.Get(catalog.Defaults[ModelKinds.CudaClassifier]).IsKind(ModelKinds.Classifier));
        Assert.Equal(JobSpec.DefaultCaptioner, catalog.Defaults[ModelKinds.CausalLm]);
    }

    [Fact]
    public void A_request_gets_captions_unless_it_turns_them_off()
    {
        Assert.Equal(JobSpec.DefaultCaptioner, new SubmitJobRequest { Dataset = "d", Output = "o" }.ToSpec().Captioner);
        Assert.Null(new SubmitJobRequest { Dataset = "d", Output = "o", Captions = false }.ToSpec().Captioner);
        Assert.Equal("gpt2", new SubmitJobRequest { Dataset = "d", Output = "o", Captioner = "gpt2" }.ToSpec().Captioner);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Unsafe_job_ids_are_refused_with_the_rule(string id)
    {
        var problems = new SubmitJobRequest { Dataset = "d", Output = "o" }.Problems(id);

        Assert.Contains(JobIds.Rule, problems["jobId"]);
    }
}
