using Fleet.Contracts;
using Fleet.Models;
using Fleet.Storage.Datasets;
using Fleet.Storage.Results;
using Fleet.Storage.Security;

namespace Fleet.Jobs.Admission;

/// <summary>
/// Decides whether a new job may start: the job id rule, the spec's own rules, the models it names (the catalog, not
/// the inference engine), whether the output can be written and the dataset exists. Every refusal is (field, reason),
/// so a bad spec is a 400 with the reason, never a stuck job.
/// </summary>
public sealed class JobAdmission(ModelCatalog catalog, DatasetListerFactory listers, ResultStoreFactory results)
{
    /// <summary>
    /// field -> reason for each problem; empty when the job may start. Every reason passes <see cref="SecretRedactor.Text"/>:
    /// a 400 is read by whoever sent the spec and by logs, and must not quote back a SAS, key or password it carried.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> CheckAsync(string jobId, JobSpec spec, CancellationToken cancellationToken)
    {
        var problems = await FindProblemsAsync(jobId, spec, cancellationToken);
        return problems.ToDictionary(p => p.Key, p => SecretRedactor.Text(p.Value));
    }

    private async Task<Dictionary<string, string>> FindProblemsAsync(string jobId, JobSpec spec, CancellationToken cancellationToken)
    {
        var problems = JobSpecValidator.Validate(spec).ToDictionary(p => p.Field, p => p.Reason);
        if (JobIds.KeyProblem(jobId) is { } idProblem)
            problems["jobId"] = idProblem;
        if (problems.Count > 0)
            return problems;

        if (spec.Classifier != JobSpec.AutoClassifier)
            CheckModel(problems, "classifier", spec.Classifier, ModelKinds.Classifier);
        if (spec.Captioner is not null)
            CheckModel(problems, "captioner", spec.Captioner, ModelKinds.CausalLm);
        if (problems.Count > 0)
            return problems;

        try
        {
            results.Create(spec.Output);
        }
        catch (ArgumentException e)
        {
            problems["output"] = e.Message;
        }
        try
        {
            var lister = await listers.CreateAsync(spec.Dataset, cancellationToken);
            await lister.EnsureExistsAsync(cancellationToken);
        }
        catch (Exception e) when (e is DatasetNotFoundException or ArgumentException or InvalidDataException)
        {
            problems["dataset"] = e.Message;
        }
        return problems;
    }

    /// <summary>What writes <paramref name="spec"/>'s captions here (<see cref="Admission.CaptionStyle"/>), recorded when it is admitted.</summary>
    public string? CaptionStyleOf(JobSpec spec) => CaptionStyle.Of(spec, catalog);

    /// <summary>Why resuming <paramref name="job"/> here would mix caption styles in its rows; null when it would not.</summary>
    public string? ResumeProblem(JobRecord job) => CaptionStyle.ResumeProblem(job, catalog);

    private void CheckModel(Dictionary<string, string> problems, string field, string name, string kind)
    {
        try
        {
            catalog.Get(name, kind);
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
        {
            problems[field] = e.Message;
        }
    }
}
