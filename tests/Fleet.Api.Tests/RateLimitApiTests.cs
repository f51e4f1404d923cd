using System.Net;
using System.Net.Http.Json;
using Fleet.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.Tests;

/// <summary>Rate limits are per principal: one named key spending its budget leaves every other key's alone.</summary>
public sealed class RateLimitApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>The real API with small buckets that do not refill within a test (one token a minute).</summary>
    private WebApplicationFactory<ApiAssembly> Limited(int burst, int submissionBurst = 20) => api.Factory.WithWebHostBuilder(web =>
    {
        web.UseSetting("Fleet:Api:RateLimit:RequestsPerMinute", "1");
        web.UseSetting("Fleet:Api:RateLimit:Burst", burst.ToString());
        web.UseSetting("Fleet:Api:RateLimit:SubmissionsPerMinute", "1");
        web.UseSetting("Fleet:Api:RateLimit:SubmissionBurst", submissionBurst.ToString());
    });

    private static HttpClient ClientOf(WebApplicationFactory<ApiAssembly> factory, string principal)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, ApiFixture.Team[principal].Key);
        return client;
    }

    [Fact]
    public async Task A_principal_that_spends_its_bucket_gets_429_with_Retry_After_and_another_principal_does_not()
    {
        await using var limited = Limited(burst: 3);
        var (alice, bob) = (ClientOf(limited, "alice"), ClientOf(limited, "bob"));

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs")).StatusCode);
        var refused = await alice.GetAsync("/jobs");
        var bobs = await bob.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Contains("Fleet:Api:RateLimit", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ClientOf(limited, "carol").GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task Submissions_have_a_bucket_of_their_own_per_principal_inside_the_request_budget()
    {
        await using var limited = Limited(burst: 50, submissionBurst: 1);
        var (alice, bob) = (ClientOf(limited, "alice"), ClientOf(limited, "bob"));
        // A spec the API refuses still spends a submission: the limiter runs before the endpoint reads the body.
        var badSpec = new { jobId = "rate-limited", dataset = "", output = "" };

        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostAsJsonAsync("/jobs", badSpec)).StatusCode);
        var second = await alice.PostAsJsonAsync("/jobs", badSpec);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("submissions a minute", await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await bob.PostAsJsonAsync("/jobs", badSpec)).StatusCode);
    }
}
