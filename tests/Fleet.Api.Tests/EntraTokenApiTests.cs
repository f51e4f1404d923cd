using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Api.Tests;

/// <summary>
/// Entra ID access tokens as Entra issues them (v1.0 and v2.0 claims), signed by a test key the API is told to trust
/// in place of the tenant's published keys (the only part that cannot run here: login.microsoftonline.com).
/// </summary>
public sealed class EntraTokenApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string ClientId = "6e0f1c2d-0000-4000-8000-00000000abcd";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private static readonly string[] AdminRole = ["Fleet.Admin"];
    private static readonly string[] SubmitRole = ["Fleet.Submit"];
    private static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "test-key-1" };

    private WebApplicationFactory<ApiAssembly> EntraApi() => api.Factory.WithWebHostBuilder(web =>
    {
        web.UseSetting("Fleet:Api:EntraId:TenantId", Tenant);
        web.UseSetting("Fleet:Api:EntraId:Audience", ClientId);
        web.ConfigureTestServices(services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            // The tenant's keys as its metadata would publish them; set before the scheme reads the authority's.
            o.Configuration = new OpenIdConnectConfiguration();
            o.Configuration.SigningKeys.Add(SigningKey);
        }));
    });

    private static string V2Token(string oid, params string[] roles) => Sign(new Dictionary<string, object>
    {
        ["iss"] = $"https://login.microsoftonline.com/{Tenant}/v2.0",
        ["aud"] = ClientId,
        ["ver"] = "2.0",
        ["tid"] = Tenant,
        ["oid"] = oid,
        ["sub"] = "sub-" + oid,
        ["azp"] = "c0ffee00-0000-4000-8000-000000000001",
        ["roles"] = roles,
    });

    private static string V1Token(string oid, params string[] roles) => Sign(new Dictionary<string, object>
    {
        ["iss"] = $"https://sts.windows.net/{Tenant}/",
        ["aud"] = $"api://{ClientId}",
        ["ver"] = "1.0",
        ["tid"] = Tenant,
        ["oid"] = oid,
        ["appid"] = "c0ffee00-0000-4000-8000-000000000001",
        ["roles"] = roles,
    });

    private static string Sign(Dictionary<string, object> claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Claims = claims,
        Expires = DateTime.UtcNow.AddMinutes(10),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
    });

    private static HttpClient Bearer(WebApplicationFactory<ApiAssembly> factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static object Spec(string jobId) =>
        new { jobId, dataset = TestPaths.ImageNetSample, output = TestPaths.NewTempFolder("entra-out"), captions = false, shardSize = 100 };

    [Fact]
    public async Task A_v2_and_a_v1_token_are_two_principals_by_oid_each_blind_to_the_others_jobs()
    {
        await using var entra = EntraApi();
        var (userA, userB) = ("aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002");
        var a = Bearer(entra, V2Token(userA, "Fleet.Submit"));
        var b = Bearer(entra, V1Token(userB, "Fleet.Submit"));

        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/jobs", Spec("entra-a"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await b.PostAsJsonAsync("/jobs", Spec("entra-b"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/jobs/entra-a")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/jobs/entra-a")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/jobs/{userA}~entra-a")).StatusCode);
        Assert.Equal(["entra-b"], (await b.GetFromJsonAsync<JobStatus[]>("/jobs", Json))!.Select(j => j.JobId));
        Assert.Equal("entra-a", (await a.GetFromJsonAsync<JobStatus>("/jobs/entra-a", Json))!.JobId);
        // The job's key is the token's object id and the id: the grain the silo runs.
        Assert.NotEqual(JobState.NotFound, (await api.Silo.Client.GetGrain<IJobGrain>($"{userA}~entra-a").GetStatus()).State);
        await a.PostAsync("/jobs/entra-a/cancel", null);
        await b.PostAsync("/jobs/entra-b/cancel", null);
    }

    [Fact]
    public async Task App_roles_decide_what_a_token_may_do()
    {
        await using var entra = EntraApi();
        var reader = Bearer(entra, V2Token("cccccccc-0000-4000-8000-000000000003", "Fleet.Read"));
        var none = Bearer(entra, V2Token("dddddddd-0000-4000-8000-000000000004"));
        var admin = Bearer(entra, V1Token("eeeeeeee-0000-4000-8000-000000000005", "Fleet.Admin"));
        var submitter = Bearer(entra, V2Token("ffffffff-0000-4000-8000-000000000006", "Fleet.Submit"));
        Assert.Equal(HttpStatusCode.Accepted, (await submitter.PostAsJsonAsync("/jobs", Spec("entra-roles"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/jobs", Spec("entra-reader"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await none.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/jobs/ffffffff-0000-4000-8000-000000000006~entra-roles")).StatusCode);
        await submitter.PostAsync("/jobs/entra-roles/cancel", null);
    }

    [Fact]
    public async Task An_app_token_without_an_object_id_is_the_principal_of_its_client_id()
    {
        await using var entra = EntraApi();
        var app = Bearer(entra, Sign(new Dictionary<string, object>
        {
            ["iss"] = $"https://login.microsoftonline.com/{Tenant}/v2.0",
            ["aud"] = ClientId,
            ["azp"] = "A0A0A0A0-0000-4000-8000-000000000007",
            ["roles"] = SubmitRole,
        }));

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostAsJsonAsync("/jobs", Spec("entra-app"))).StatusCode);

        Assert.NotEqual(JobState.NotFound, (await api.Silo.Client.GetGrain<IJobGrain>("a0a0a0a0-0000-4000-8000-000000000007~entra-app").GetStatus()).State);
        await app.PostAsync("/jobs/entra-app/cancel", null);
    }

    [Fact]
    public async Task A_token_of_another_tenant_audience_or_signing_key_is_401()
    {
        await using var entra = EntraApi();
        var good = V2Token("aaaaaaaa-0000-4000-8000-000000000009", "Fleet.Admin");
        var wrongIssuer = Sign(new Dictionary<string, object> { ["iss"] = "https://login.microsoftonline.com/99999999-0000-4000-8000-000000000000/v2.0", ["aud"] = ClientId, ["oid"] = "aaaaaaaa-0000-4000-8000-000000000009", ["roles"] = AdminRole });
        var wrongAudience = Sign(new Dictionary<string, object> { ["iss"] = $"https://login.microsoftonline.com/{Tenant}/v2.0", ["aud"] = "api://someone-else", ["oid"] = "aaaaaaaa-0000-4000-8000-000000000009", ["roles"] = AdminRole });
        var otherKey = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["iss"] = $"https://login.microsoftonline.com/{Tenant}/v2.0", ["aud"] = ClientId, ["oid"] = "aaaaaaaa-0000-4000-8000-000000000009", ["roles"] = AdminRole },
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key-1" }, SecurityAlgorithms.RsaSha256),
        });

        Assert.Equal(HttpStatusCode.OK, (await Bearer(entra, good).GetAsync("/jobs")).StatusCode);
        foreach (var token in new[] { wrongIssuer, wrongAudience, otherKey })
            Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(entra, token).GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task Each_token_principal_has_its_own_rate_limit_bucket()
    {
        // Before the default scheme read bearer tokens, every token user counted against the address (one bucket).
        await using var entra = EntraApi().WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Api:RateLimit:RequestsPerMinute", "1");
            web.UseSetting("Fleet:Api:RateLimit:Burst", "2");
        });
        var a = Bearer(entra, V2Token("aaaaaaaa-0000-4000-8000-00000000000a", "Fleet.Read"));
        var b = Bearer(entra, V1Token("bbbbbbbb-0000-4000-8000-00000000000b", "Fleet.Read"));

        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/jobs")).StatusCode);
    }
}
