using System.Runtime.CompilerServices;
using Fleet.Api.Security;
using Fleet.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Api.Jobs;

/// <summary>The job resource: submit, list, read, watch (server-sent events), resume, cancel.</summary>
public static class JobEndpoints
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(500);

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync).AddEndpointFilter<ApiKeyFilter>().WithName("SubmitJob");
        jobs.MapGet("/", ListAsync).WithName("ListJobs");
        jobs.MapGet("/{id}", GetAsync).WithName("GetJob");
        jobs.MapGet("/{id}/events", Events).WithName("WatchJob");
        jobs.MapPost("/{id}/resume", ResumeAsync).AddEndpointFilter<ApiKeyFilter>().WithName("ResumeJob");
        jobs.MapPost("/{id}/cancel", CancelAsync).AddEndpointFilter<ApiKeyFilter>().WithName("CancelJob");
        return app;
    }

    private static async Task<Results<Accepted<JobStatus>, ValidationProblem, ProblemHttpResult>> SubmitAsync(SubmitJobRequest request, IClusterClient fleet)
    {
        var id = request.ResolveJobId();
        var problems = request.Problems(id);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key, p => new[] { p.Value }), title: "The job spec is not valid");

        var result = await fleet.GetGrain<IJobGrain>(id).Submit(request.ToSpec());
        if (!result.Accepted)
        {
            if (result.Errors.ContainsKey("jobId"))
                return TypedResults.Problem(result.Errors["jobId"], statusCode: StatusCodes.Status409Conflict, title: "Conflict");
            return TypedResults.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }), title: "The job was rejected");
        }
        return TypedResults.Accepted($"/jobs/{id}", result.Status);
    }

    private static async Task<Ok<JobStatus[]>> ListAsync(IClusterClient fleet, int? limit)
    {
        var ids = await fleet.GetGrain<IJobRegistryGrain>(0).GetRecentJobs(Math.Clamp(limit ?? 100, 1, 1000));
        var statuses = await Task.WhenAll(ids.Select(id => fleet.GetGrain<IJobGrain>(id).GetStatus()));
        return TypedResults.Ok(statuses);
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> GetAsync(string id, IClusterClient fleet)
    {
        var status = await fleet.GetGrain<IJobGrain>(id).GetStatus();
        return status.State == JobState.NotFound ? NotFound(id) : TypedResults.Ok(status);
    }

    private static ServerSentEventsResult<JobStatus> Events(string id, IClusterClient fleet, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(WatchAsync(fleet.GetGrain<IJobGrain>(id), cancellationToken), eventType: "status");

    private static async Task<Results<Accepted<JobStatus>, ProblemHttpResult>> ResumeAsync(string id, IClusterClient fleet)
    {
        var job = fleet.GetGrain<IJobGrain>(id);
        if ((await job.GetStatus()).State == JobState.NotFound)
            return NotFound(id);
        var result = await job.Resume();
        return result.Accepted
            ? TypedResults.Accepted($"/jobs/{id}", result.Status)
            : TypedResults.Problem(string.Join("; ", result.Errors.Values), statusCode: StatusCodes.Status409Conflict, title: "The job cannot be resumed");
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> CancelAsync(string id, IClusterClient fleet)
    {
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

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"no job '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
