using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;
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
        web.UseSetting("Fleet:Intake:LocalRoots:0", TestPaths.TempRoot);
        web.UseSetting("Fleet:Intake:LocalRoots:1", TestPaths.DataMirror);
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

    [Fact]
    public async Task A_results_page_request_with_only_its_signed_link_cookie_spends_the_links_principals_bucket_not_the_addresss()
    {
        await using var limited = Limited(burst: 4);
        var alice = ClientOf(limited, "alice");
        var photos = TestPaths.NewTempFolder("rate-limited-link");
        File.Copy(Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First(), Path.Combine(photos, "a.jpg"));
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsJsonAsync("/jobs", new { jobId = "linked", dataset = photos, output = TestPaths.NewTempFolder("rate-limited-link-out"), captions = false })).StatusCode);
        var link = (await (await alice.PostAsync("/jobs/linked/page-link", null)).Content.ReadFromJsonAsync<ResultsPageLink>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        var token = link.Path[(link.Path.IndexOf('=') + 1)..];
        // A browser: no key, only the cookie the page set (no cookie jar, so nothing else rides along).
        var browser = limited.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        HttpRequestMessage ByCookie()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/jobs/linked/page/status");
            request.Headers.Add("Cookie", $"{Fleet.Api.Security.ResultsLinkAuthenticationHandler.CookieName}={token}");
            return request;
        }
        using (var first = ByCookie())
            Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(first)).StatusCode);

        // Alice's bucket (4) is spent: the submission, the link, the cookie's request and one more with her key.
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await alice.GetAsync("/jobs")).StatusCode);
        // So is the link's, for it is hers: its requests are never in the (untouched) per-address bucket.
        using (var second = ByCookie())
        {
            var refused = await browser.SendAsync(second);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("per principal", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await ClientOf(limited, "bob").GetAsync("/jobs")).StatusCode);
    }
}
