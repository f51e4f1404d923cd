using System.Runtime.CompilerServices;
using Fleet.Api.Security;
using Fleet.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Jobs;

/// <summary>The job resource: submit, list, read, watch (server-sent events), resume, cancel.</summary>
public static class JobEndpoints
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(500);

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        // Reads too: a job's status names its dataset and output.
        var jobs = app.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(ApiAuthentication.JobsPolicy);
        jobs.MapPost("/", SubmitAsync).WithName("SubmitJob");
        jobs.MapGet("/", ListAsync).WithName("ListJobs");
        jobs.MapGet("/{id}", GetAsync).WithName("GetJob");
        jobs.MapGet("/{id}/events", EventsAsync).RequireRateLimiting(ApiProtection.EventStreamsPolicy).WithName("WatchJob");
        jobs.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeJob");
        jobs.MapPost("/{id}/cancel", CancelAsync).WithName("CancelJob");
        return app;
    }

    private static async Task<Results<Accepted<JobStatus>, ValidationProblem, ProblemHttpResult>> SubmitAsync(SubmitJobRequest request, IClusterClient fleet, KnownJobs known)
    {
        var id = request.ResolveJobId();
        var problems = request.Problems(id);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key, p => new[] { p.Value }), title: "The job spec is not valid");

        var result = await fleet.GetGrain<IJobGrain>(id).Submit(request.ToSpec());
        known.Submitted(id);
        if (!result.Accepted)
        {
            if (result.Errors.ContainsKey("jobId"))
                return TypedResults.Problem(result.Errors["jobId"], statusCode: StatusCodes.Status409Conflict, title: "Conflict");
            return TypedResults.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }), title: "The job was rejected");
        }
        return TypedResults.Accepted($"/jobs/{id}", result.Status);
    }

    private static async Task<Ok<JobStatus[]>> ListAsync(IClusterClient fleet, IOptions<ApiProtectionOptions> limits, int? limit)
    {
        var max = limits.Value.MaxListLimit;
        var ids = await fleet.GetGrain<IJobRegistryGrain>(0).GetRecentJobs(Math.Clamp(limit ?? Math.Min(20, max), 1, max));
        var statuses = await Task.WhenAll(ids.Select(id => fleet.GetGrain<IJobGrain>(id).GetStatus()));
        return TypedResults.Ok(statuses);
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> GetAsync(string id, IClusterClient fleet, KnownJobs known)
    {
        if (!await known.ExistsAsync(id))
            return NotFound(id);
        var status = await fleet.GetGrain<IJobGrain>(id).GetStatus();
        return status.State == JobState.NotFound ? NotFound(id) : TypedResults.Ok(status);
    }

    private static async Task<Results<ServerSentEventsResult<JobStatus>, ProblemHttpResult>> EventsAsync(string id, IClusterClient fleet, KnownJobs known, CancellationToken cancellationToken) =>
        await known.ExistsAsync(id)
            ? TypedResults.ServerSentEvents(WatchAsync(fleet.GetGrain<IJobGrain>(id), cancellationToken), eventType: "status")
            : NotFound(id);

    private static async Task<Results<Accepted<JobStatus>, ProblemHttpResult>> ResumeAsync(string id, IClusterClient fleet, KnownJobs known)
    {
        if (!await known.ExistsAsync(id))
            return NotFound(id);
        var job = fleet.GetGrain<IJobGrain>(id);
        if ((await job.GetStatus()).State == JobState.NotFound)
            return NotFound(id);
        var result = await job.Resume();
        return result.Accepted
            ? TypedResults.Accepted($"/jobs/{id}", result.Status)
            : TypedResults.Problem(string.Join("; ", result.Errors.Values), statusCode: StatusCodes.Status409Conflict, title: "The job cannot be resumed");
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> CancelAsync(string id, IClusterClient fleet, KnownJobs known)
    {
        if (!await known.ExistsAsync(id))
            return NotFound(id);
        var job = fleet.GetGrain<IJobGrain>(id);
        if ((await job.GetStatus()).State == JobState.NotFound)
            return NotFound(id);
        return TypedResults.Ok(await job.Cancel());
    }

    /// <summary>One event now, then one whenever the status changes, until the job ends.</summary>
    private static async IAsyncEnumerable<JobStatus> WatchAsync(IJobGrain job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JobStatus? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var status = await job.GetStatus();
            if (last is null || status with { ImagesPerSecond = 0, Eta = null } != last with { ImagesPerSecond = 0, Eta = null })
                yield return status;
            last = status;
            if (status.State.IsTerminal() || status.State == JobState.NotFound)
                yield break;
            await Task.Delay(EventInterval, cancellationToken);
        }
    }

    // The id is only echoed when it is a valid one: anything else could be a script or a secret.
    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(JobIds.IsValid(id) ? $"no job '{id}'" : "no such job", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
