using System.Runtime.CompilerServices;
using System.Security.Claims;
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
        // Reads too: a job's status names its dataset and output. Every route sees only the caller's own jobs (an
        // admin's: everyone's); another owner's job is answered like one that does not exist (404, not 403).
        var jobs = app.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(ApiAuthentication.ReadPolicy);
        jobs.MapPost("/", SubmitAsync).RequireAuthorization(ApiAuthentication.SubmitPolicy).WithName("SubmitJob").ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/", ListAsync).WithName("ListJobs");
        jobs.MapGet("/{id}", GetAsync).WithName("GetJob").ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{id}/events", EventsAsync).RequireRateLimiting(PrincipalRateLimits.EventStreamsPolicy).WithName("WatchJob").ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id}/resume", ResumeAsync).RequireAuthorization(ApiAuthentication.SubmitPolicy).WithName("ResumeJob").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id}/cancel", CancelAsync).RequireAuthorization(ApiAuthentication.SubmitPolicy).WithName("CancelJob").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Accepted<JobStatus>, ValidationProblem, ProblemHttpResult>> SubmitAsync(SubmitJobRequest request, ClaimsPrincipal user, IClusterClient fleet, IntakeScopes scopes)
    {
        var caller = Caller.Of(user);
        var id = request.ResolveJobId();
        var problems = request.Problems(id);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key, p => new[] { p.Value }), title: "The job spec is not valid");

        // The caller's own namespace: its "nightly" is no one else's, so no one can take the id first.
        var key = JobIds.Key(caller.Principal, id);
        // The places the caller's jobs may use travel with the spec; the silos check them (the request cannot set them).
        var result = await fleet.GetGrain<IJobGrain>(key).Submit(request.ToSpec() with { Scope = scopes.For(user) });
        if (!result.Accepted)
        {
            if (result.Errors.ContainsKey("jobId"))
                return TypedResults.Problem(result.Errors["jobId"], statusCode: StatusCodes.Status409Conflict, title: "Conflict");
            return TypedResults.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }), title: "The job was rejected");
        }
        return TypedResults.Accepted($"/jobs/{id}", caller.View(result.Status));
    }

    /// <summary>
    /// A page of the caller's jobs (an admin's: everyone's), newest first. The registry pages by registration order, so
    /// every job it keeps is reachable page by page: a <c>Link: &lt;...&gt;; rel="next"</c> header carries the next
    /// page's cursor, absent on the last page.
    /// </summary>
    private static async Task<Results<Ok<JobStatus[]>, ValidationProblem>> ListAsync(HttpContext http, ClaimsPrincipal user, IClusterClient fleet, IOptions<ApiProtectionOptions> limits, int? limit, string? cursor)
    {
        var caller = Caller.Of(user);
        if (!JobListCursor.TryParse(cursor, out var before))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = [JobListCursor.Rule] }, title: "The cursor is not valid");
        var max = limits.Value.MaxListLimit;
        var count = Math.Clamp(limit ?? Math.Min(20, max), 1, max);
        var page = await fleet.GetGrain<IJobRegistryGrain>(0).GetJobs(caller.IsAdmin ? null : caller.Principal, before, count);
        var statuses = await Task.WhenAll(page.Keys.Where(caller.Sees).Select(key => fleet.GetGrain<IJobGrain>(key).GetStatus()));
        if (page.Next is { } next)
            http.Response.Headers.Link = $"</jobs?limit={count}&cursor={JobListCursor.Format(next)}>; rel=\"next\"";
        return TypedResults.Ok(statuses.Select(caller.View).ToArray());
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known)
    {
        var caller = Caller.Of(user);
        if (await KnownKeyAsync(caller, id, known) is not { } key)
            return NotFound(id);
        var status = await fleet.GetGrain<IJobGrain>(key).GetStatus();
        return status.State == JobState.NotFound ? NotFound(id) : TypedResults.Ok(caller.View(status));
    }

    private static async Task<Results<ServerSentEventsResult<JobStatus>, ProblemHttpResult>> EventsAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(user);
        return await KnownKeyAsync(caller, id, known) is { } key
            ? TypedResults.ServerSentEvents(WatchAsync(fleet.GetGrain<IJobGrain>(key), cancellationToken).Select(caller.View), eventType: "status")
            : NotFound(id);
    }

    private static async Task<Results<Accepted<JobStatus>, ProblemHttpResult>> ResumeAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known)
    {
        var caller = Caller.Of(user);
        if (await KnownKeyAsync(caller, id, known) is not { } key)
            return NotFound(id);
        var job = fleet.GetGrain<IJobGrain>(key);
        if ((await job.GetStatus()).State == JobState.NotFound)
            return NotFound(id);
        var result = await job.Resume();
        return result.Accepted
            ? TypedResults.Accepted($"/jobs/{id}", caller.View(result.Status))
            : TypedResults.Problem(string.Join("; ", result.Errors.Values), statusCode: StatusCodes.Status409Conflict, title: "The job cannot be resumed");
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> CancelAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known)
    {
        var caller = Caller.Of(user);
        if (await KnownKeyAsync(caller, id, known) is not { } key)
            return NotFound(id);
        var job = fleet.GetGrain<IJobGrain>(key);
        if ((await job.GetStatus()).State == JobState.NotFound)
            return NotFound(id);
        return TypedResults.Ok(caller.View(await job.Cancel()));
    }

    /// <summary>The key of the job the caller names, when the caller may see it and it exists; else null (a 404).</summary>
    internal static async Task<string?> KnownKeyAsync(Caller caller, string id, KnownJobs known) =>
        caller.KeyOf(id) is { } key && await known.ExistsAsync(key) ? key : null;

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
    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(JobIds.IsValid(id) || JobIds.Split(id) is not null ? $"no job '{id}'" : "no such job", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
