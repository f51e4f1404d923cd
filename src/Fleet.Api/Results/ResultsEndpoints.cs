using System.Security.Claims;
using Fleet.Api.Jobs;
using Fleet.Api.Security;
using Fleet.Contracts;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Results;

/// <summary>
/// A job's results: its rows by cursor, a thumbnail of one row's photo, and the results page that shows them, under the
/// job's own authorization (its owner or an admin, else 404) or a signed results link for that one job.
/// </summary>
public static class ResultsEndpoints
{
    public static IEndpointRouteBuilder MapJobResults(this IEndpointRouteBuilder app)
    {
        // ProblemHttpResult names no status: the OpenAPI document (docs/openapi) learns the 404s and the rest from these.
        var results = app.MapGroup("/jobs/{id}").WithTags("Results").RequireAuthorization(ApiAuthentication.ResultsPolicy);
        // 503 on the two that read the output (StorageOutageProblems): its storage is down; retry after Retry-After.
        results.MapGet("/rows", RowsAsync).WithName("ListJobRows")
            .WithSummary("One page of the job's rows, data parts before error parts; pass the page's next as cursor until it is null")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        results.MapGet("/thumbnail", ThumbnailAsync).WithName("GetRowThumbnail")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        results.MapGet("/page/status", PageStatusAsync).WithName("GetResultsPageStatus").ProducesProblem(StatusCodes.Status404NotFound);
        results.MapGet("/page", Page).ExcludeFromDescription();
        results.MapGet("/page.js", (HttpContext context) => ResultsPage.Script(context)).ExcludeFromDescription();
        app.MapPost("/jobs/{id}/page-link", LinkAsync).WithTags("Results").RequireAuthorization(ApiAuthentication.ReadPolicy).WithName("CreateResultsPageLink")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<JobRowsPage>, ValidationProblem, ProblemHttpResult>> RowsAsync(
        string id, string? label, float? minScore, string? cursor, int? limit, bool? errors,
        ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, ResultStoreFactory stores, JobRowPager pager, IOptions<ResultsOptions> options,
        CancellationToken cancellationToken)
    {
        var bounds = options.Value;
        var problems = new Dictionary<string, string[]>();
        if (limit is { } asked && (asked < 1 || asked > bounds.MaxLimit))
            problems["limit"] = [$"limit must be between 1 and {bounds.MaxLimit}"];
        if (minScore is { } score && (float.IsNaN(score) || score < 0 || score > 1))
            problems["minScore"] = ["minScore must be between 0 and 1"];
        if (label is { Length: > 200 })
            problems["label"] = ["label must be at most 200 characters"];
        var from = cursor is null ? (errors == true ? RowCursor.ErrorsStart : RowCursor.Start) : RowCursor.Decode(cursor);
        if (from is null)
            problems["cursor"] = ["cursor is not one this API gave (pass a page's 'next' as it is)"];
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems, title: "The rows request is not valid");
        var job = await OpenAsync(id, user, fleet, known, stores);
        if (job.Problem is { } problem)
            return problem;
        var filter = new RowFilter(string.IsNullOrWhiteSpace(label) ? null : label.Trim(), minScore, errors == true);
        return TypedResults.Ok(await pager.PageAsync(job.Store!, job.Key!, from!.Value, filter, limit ?? bounds.DefaultLimit, cancellationToken));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> ThumbnailAsync(
        string id, string? row, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, ResultStoreFactory stores, ItemReader items, Thumbnailer thumbnails,
        HttpContext context, CancellationToken cancellationToken)
    {
        if (RowCursor.Decode(row) is not { } at)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["row"] = ["row must be a row's 'ref' from GET /jobs/{id}/rows"] });
        var job = await OpenAsync(id, user, fleet, known, stores);
        if (job.Problem is { } problem)
            return problem;
        // The photo is the one the job's own row names: the API never fetches a URI a client made up.
        if (await JobRowPager.RowAsync(job.Store!, job.Key!, job.Status!.Spec!.Format, at, cancellationToken) is not { } found)
            return TypedResults.Problem($"job '{id}' has no such row", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        try
        {
            var bytes = await items.ReadAsync(found.Uri, cancellationToken);
            var jpeg = await Task.Run(() => thumbnails.Render(bytes), cancellationToken);
            context.Response.Headers.CacheControl = "private, max-age=3600";
            return TypedResults.File(jpeg, "image/jpeg");
        }
        // This photo's own fault (or its host's: ForeignHostUnavailableException) is a 422 for it alone. The fleet's storage
        // down is no fault of the photo: it goes on to StorageOutageProblems, a 503 with Retry-After.
        catch (Exception e) when ((e is IOException or InvalidDataException or IntakePolicyException or HttpRequestException or InvalidDatasetItemException or Azure.RequestFailedException
            or UnauthorizedAccessException or ForeignHostUnavailableException) && !StorageOutageProblems.IsStorageOutage(e))
        {
            return TypedResults.Problem($"no thumbnail: {SecretRedactor.Text(e.Message)}", statusCode: StatusCodes.Status422UnprocessableEntity, title: "The photo cannot be shown");
        }
    }

    private static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> PageStatusAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, ResultStoreFactory stores)
    {
        var job = await OpenAsync(id, user, fleet, known, stores, needStore: false);
        return job.Problem is { } problem ? problem : TypedResults.Ok(Caller.Of(user).View(job.Status!));
    }

    private static async Task<IResult> Page(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, ResultStoreFactory stores, HttpContext context)
    {
        var job = await OpenAsync(id, user, fleet, known, stores, needStore: false);
        if (job.Problem is { } problem)
            return problem;
        // The first visit carries the link; from then on the cookie does, so the link can leave the address bar.
        if (context.Request.Query[ResultsLinkAuthenticationHandler.QueryName].ToString() is { Length: > 0 } token
            && user.FindFirst(ResultsLinkAuthenticationHandler.JobClaim) is not null)
        {
            var expires = context.RequestServices.GetRequiredService<ResultsLinks>().Validate(token)!.Value.Expires;
            context.Response.Cookies.Append(ResultsLinkAuthenticationHandler.CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = $"/jobs/{Uri.EscapeDataString(id)}/",
                Expires = expires,
            });
        }
        return ResultsPage.Html(context);
    }

    private static async Task<Results<Ok<ResultsPageLink>, ProblemHttpResult>> LinkAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, ResultStoreFactory stores, ResultsLinks links)
    {
        var job = await OpenAsync(id, user, fleet, known, stores, needStore: false);
        if (job.Problem is { } problem)
            return problem;
        var (token, expires) = links.Issue(job.Key!);
        return TypedResults.Ok(new ResultsPageLink($"/jobs/{Uri.EscapeDataString(id)}/page?{ResultsLinkAuthenticationHandler.QueryName}={token}", expires));
    }

    private sealed record OpenJob(string? Key, JobStatus? Status, IResultStore? Store, ProblemHttpResult? Problem);

    /// <summary>The job <paramref name="id"/> as this caller may read it, with a store over its output; else the problem (404 like an unknown job).</summary>
    private static async Task<OpenJob> OpenAsync(string id, ClaimsPrincipal user, IClusterClient fleet, KnownJobs known, ResultStoreFactory stores, bool needStore = true)
    {
        var caller = Caller.Of(user);
        if (await JobEndpoints.KnownKeyAsync(caller, id, known) is not { } key
            || (user.FindFirst(ResultsLinkAuthenticationHandler.JobClaim) is { } linked && linked.Value != key))
            return new OpenJob(null, null, null, JobEndpoints.NotFound(id));
        var status = await fleet.GetGrain<IJobGrain>(key).GetStatus();
        if (status.State == JobState.NotFound || status.Spec is null)
            return new OpenJob(null, null, null, JobEndpoints.NotFound(id));
        if (!needStore)
            return new OpenJob(key, status, null, null);
        try
        {
            return new OpenJob(key, status, stores.Create(status.Spec.Output), null);
        }
        catch (Exception e) when (e is IntakePolicyException or ArgumentException)
        {
            return new OpenJob(null, null, null, TypedResults.Problem(
                $"the API cannot read this job's output: {SecretRedactor.Text(e.Message)}", statusCode: StatusCodes.Status409Conflict, title: "Output not readable here"));
        }
    }
}
