using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Deploy.Tests;

/// <summary>
/// The API's app registration as docs/deploy.md sets it up (a Microsoft Graph PATCH of infra/entra/app-registration.json):
/// v2.0 access tokens (a registration defaults to v1.0 unless api.requestedAccessTokenVersion is 2; the API validates
/// both issuers either way), the three app roles the API maps onto Fleet roles, and the azd values that switch it on.
/// </summary>
public sealed partial class EntraRegistrationTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private static readonly string ManifestPath = Path.Combine(RepoPaths.Infra, "entra", "app-registration.json");

    private static JsonObject Manifest() => JsonNode.Parse(File.ReadAllText(ManifestPath))!.AsObject();

    [Fact]
    public void The_registration_asks_for_v2_tokens_and_declares_the_fleet_app_roles_for_users_and_apps()
    {
        var manifest = Manifest();
        Assert.Equal(2, (int)manifest["api"]!["requestedAccessTokenVersion"]!);

        var roles = manifest["appRoles"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["Fleet.Admin", "Fleet.Read", "Fleet.Submit"], roles.Select(r => (string)r["value"]!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(roles, r =>
        {
            Assert.True(Guid.TryParse((string?)r["id"], out _), $"{r["value"]}: id is not a GUID");
            Assert.True((bool)r["isEnabled"]!);
            // Users sign in with az login; CI and other services get the role as an application permission.
            Assert.Equal(["Application", "User"], r["allowedMemberTypes"]!.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal).ToArray());
        });
        Assert.Equal(roles.Count, roles.Select(r => (string?)r["id"]).Distinct().Count());
    }

    [Fact]
    public void Every_app_role_the_api_maps_is_one_the_registration_declares()
    {
        // The API's map of Entra app roles (src/Fleet.Api/Security/FleetRoles.cs, EntraAppRoles); where the API has
        // none yet, the roles the issue names.
        var source = Path.Combine(RepoPaths.Root, "src", "Fleet.Api", "Security", "FleetRoles.cs");
        var mapped = File.Exists(source)
            ? AppRoleKey().Matches(File.ReadAllText(source)).Select(m => m.Groups["role"].Value).ToList()
            : ["Fleet.Read", "Fleet.Submit", "Fleet.Admin"];
        var declared = Manifest()["appRoles"]!.AsArray().Select(r => (string)r!["value"]!).ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.All(mapped, role => Assert.Contains(role, declared));
    }

    [Fact]
    public void The_documented_azd_values_reach_the_api_and_default_to_key_only()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Infra, "main.parameters.json")))!["parameters"]!;
        Assert.Equal("${FLEET_ENTRA_TENANT_ID=}", (string?)parameters["entraTenantId"]!["value"]);
        Assert.Equal("${FLEET_ENTRA_AUDIENCE=}", (string?)parameters["entraAudience"]!["value"]);
        var env = compiled.App("api")["properties"]!["template"]!["containers"]!.AsArray().Single()!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("[parameters('entraTenantId')]", env["Fleet__Api__EntraId__TenantId"]);
        Assert.Equal("[parameters('entraAudience')]", env["Fleet__Api__EntraId__Audience"]);

        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "deploy.md"));
        Assert.Contains("infra/entra/app-registration.json", docs);
        Assert.Contains("azd env set FLEET_ENTRA_TENANT_ID", docs);
        Assert.Contains("azd env set FLEET_ENTRA_AUDIENCE", docs);
    }

    // `["Fleet.Read"] = Reader,` in FleetRoles.EntraAppRoles.
    [GeneratedRegex(@"\[""(?<role>Fleet\.[A-Za-z]+)""\]\s*=")]
    private static partial Regex AppRoleKey();
}
