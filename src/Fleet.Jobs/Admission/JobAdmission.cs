using Fleet.Contracts;
using Fleet.Jobs.Claims;
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
public sealed class JobAdmission(ModelCatalog catalog, DatasetListerFactory listers, ResultStoreFactory results, IGrainFactory grains)
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

        IResultStore? output = null;
        var scope = ScopeOf(spec);
        try
        {
            scope?.CheckOutput(spec.Output);
            output = results.Create(spec.Output);
        }
        catch (ArgumentException e)
        {
            problems["output"] = e.Message;
        }
        try
        {
            scope?.CheckDataset(spec.Dataset);
            var lister = await listers.CreateAsync(spec.Dataset, cancellationToken);
            await lister.EnsureExistsAsync(cancellationToken);
        }
        catch (Exception e) when (e is DatasetNotFoundException or ArgumentException or InvalidDataException)
        {
            problems["dataset"] = e.Message;
        }
        // Last, so a spec refused for anything else claims nothing.
        if (problems.Count == 0 && output is not null && await ClaimProblemAsync(jobId, output) is { } clash)
            problems["output"] = clash;
        return problems;
    }

    /// <summary>The submitting principal's limits, as the storage layer checks them; null when it has none.</summary>
    public static PrincipalScope? ScopeOf(JobSpec spec) => PrincipalScope.Of(spec.Scope?.Datasets, spec.Scope?.Outputs, spec.Scope?.Source);

    /// <summary>Claims the job's output folder (<see cref="OutputClaimGrain"/>); why not when another job's folder overlaps it.</summary>
    private async Task<string?> ClaimProblemAsync(string jobId, IResultStore output)
    {
        var folder = output.ClaimOf(jobId);
        var clash = await grains.GetGrain<IOutputClaimGrain>(0).Claim(folder, jobId);
        if (clash is null)
            return null;
        return clash == folder
            ? $"the output folder '{folder}' belongs to another job; choose another output or job id"
            : $"the output folder '{folder}' overlaps '{clash}', the folder of another job (a job's folder and everything under it are that job's alone); choose another output or job id";
    }

    /// <summary>What writes <paramref name="spec"/>'s captions here (<see cref="Admission.CaptionStyle"/>), recorded when it is admitted.</summary>
    public string? CaptionStyleOf(JobSpec spec) => CaptionStyle.Of(spec, catalog);

    /// <summary>Why <paramref name="job"/> cannot be resumed (field -> reason); null when it can.</summary>
    public IReadOnlyDictionary<string, string>? ResumeRefusal(string jobId, JobRecord job)
    {
        if (job.Spec is null)
            return new Dictionary<string, string> { ["jobId"] = $"job '{jobId}' does not exist" };
        if (job.IsActive)
            return new Dictionary<string, string> { ["state"] = $"job '{jobId}' is already {job.State.ToString().ToLowerInvariant()}" };
        if (job.State == JobState.Succeeded)
            return new Dictionary<string, string> { ["state"] = $"job '{jobId}' already succeeded; nothing to resume" };
        // Mixing caption styles in one job's rows.
        return CaptionStyle.ResumeProblem(job, catalog) is { } mixed ? new Dictionary<string, string> { ["captioner"] = mixed } : null;
    }

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
