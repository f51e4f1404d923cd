using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Deploy.Tests;

/// <summary>
/// The API runs as its own user-assigned identity, not the silos': it reads blobs (result parts and the photos rows
/// name), reaches the Orleans membership table only (Orleans' client calls CreateIfNotExists on it, which needs the
/// table write action Storage Table Data Reader lacks), pulls its image and reads the API key's secret; it writes no blob.
/// </summary>
public sealed partial class ApiIdentityTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    // Built-in role ids (the same in every tenant; MicrosoftDocs azure-docs built-in-roles/storage.md and containers.md).
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string SecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private static JsonObject Parameters(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Infra, file)))!["parameters"]!.AsObject();

    // The deployment (module) whose outputs an expression reads: the silos' identity is module 'identity', the API's 'api-identity'.
    private const string ApiIdentity = "'Microsoft.Resources/deployments', 'api-identity')";
    private const string SiloIdentity = "'Microsoft.Resources/deployments', 'identity')";

    private string Param(string module, string name) => Text(compiled.Module(module)["properties"]!["parameters"]![name]!["value"]!);

    private static string Text(JsonNode node) => node is JsonValue ? node.ToString() : node.ToJsonString().Replace("\\u0027", "'", StringComparison.Ordinal);

    [Fact]
    public void The_api_app_runs_as_its_own_identity_with_azure_client_id_set_to_it()
    {
        Assert.Equal(2, compiled.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Count);
        Assert.Contains(ApiIdentity, Param("api", "identityId"));
        Assert.Contains(ApiIdentity, Param("api", "identityClientId"));
        Assert.DoesNotContain(SiloIdentity, Param("api", "identityId"));
        Assert.Contains(SiloIdentity, Param("silos", "identityId"));
        Assert.NotEqual((string?)compiled.Module("identity")["properties"]!["parameters"]!["name"]!["value"], (string?)compiled.Module("api-identity")["properties"]!["parameters"]!["name"]!["value"]);

        // The app: that one identity on the app, the image pull and the secret; DefaultAzureCredential picks it.
        var api = compiled.App("api");
        Assert.Contains("parameters('identityId')", Assert.Single(api["identity"]!["userAssignedIdentities"]!.AsObject()).Key);
        Assert.Equal("[parameters('identityId')]", (string?)api["properties"]!["configuration"]!["registries"]![0]!["identity"]);
        var env = Env(api);
        Assert.Equal("[parameters('identityClientId')]", (string?)env["AZURE_CLIENT_ID"]["value"]);
        Assert.Equal("[parameters('identityClientId')]", (string?)env["Fleet__Storage__ManagedIdentityClientId"]["value"]);

        // azd deploy reads the same identity from main.bicep's outputs.
        var parameters = Parameters("app/api.parameters.json");
        Assert.Equal("${FLEET_API_IDENTITY_ID}", (string?)parameters["identityId"]!["value"]);
        Assert.Equal("${FLEET_API_IDENTITY_CLIENT_ID}", (string?)parameters["identityClientId"]!["value"]);
        var outputs = compiled.Template["outputs"]!;
        Assert.Contains(ApiIdentity, outputs["FLEET_API_IDENTITY_ID"]!["value"]!.ToString());
        Assert.Contains(ApiIdentity, outputs["FLEET_API_IDENTITY_CLIENT_ID"]!["value"]!.ToString());
    }

    [Fact]
    public void The_api_identity_reads_blobs_and_the_membership_table_only_and_writes_no_blob()
    {
        var storage = compiled.ModuleTemplate("storage");
        var variables = storage["variables"]!.AsObject();
        var main = compiled.Module("storage")["properties"]!["parameters"]!;
        Assert.Contains(ApiIdentity, main["apiIdentityPrincipalId"]!["value"]!.ToString());
        Assert.Contains(SiloIdentity, main["identityPrincipalId"]!["value"]!.ToString());

        // Account-wide grants: the grants variable lists (principal parameter, role variable) pairs.
        var grants = Grant().Matches((string)variables["grants"]!)
            .Select(m => (Principal: m.Groups["principal"].Value, Role: (string)variables[m.Groups["role"].Value]!))
            .ToList();
        Assert.Contains(grants, g => g.Principal == "identityPrincipalId" && g.Role == BlobDataContributor);
        var apiAccountRoles = grants.Where(g => g.Principal == "apiIdentityPrincipalId").Select(g => g.Role).ToList();
        Assert.Equal([BlobDataReader], apiAccountRoles);

        // The one other storage grant to the API: table data on the membership table resource, not the account.
        var single = compiled.ModuleResources("storage")
            .Where(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments" && (string?)r["properties"]!["principalId"] == "[parameters('apiIdentityPrincipalId')]")
            .ToList();
        var table = Assert.Single(single);
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/tableServices/tables', parameters('name'), 'default', variables('membershipTable'))]", (string?)table["scope"]);
        Assert.Contains("variables('tableDataContributor')", (string?)table["properties"]!["roleDefinitionId"]);
        Assert.Equal(TableDataContributor, (string)variables["tableDataContributor"]!);
        // Orleans' default clustering table name (AzureStorageClusteringOptions.DEFAULT_TABLE_NAME), and the table exists.
        Assert.Equal("OrleansSiloInstances", (string)variables["membershipTable"]!);
        Assert.Contains(compiled.ModuleResources("storage"), r => (string?)r["type"] == "Microsoft.Storage/storageAccounts/tableServices/tables");
        Assert.DoesNotContain("Fleet__Storage__ClusteringTable", compiled.App("api").ToJsonString());

        // No blob write role anywhere for the API.
        var all = string.Join('\n', apiAccountRoles.Append(TableDataContributor));
        Assert.DoesNotContain(BlobDataContributor, all);
        Assert.DoesNotContain(BlobDataOwner, all);
    }

    [Fact]
    public void Only_the_api_identity_reads_the_api_key_and_both_identities_pull_images()
    {
        var vault = compiled.Module("keyvault")["properties"]!["parameters"]!;
        Assert.Contains(ApiIdentity, vault["identityPrincipalId"]!["value"]!.ToString());
        Assert.Contains(SecretsUser, compiled.ModuleTemplate("keyvault").ToJsonString());
        // The silos never read the key: their identity is nowhere in the vault module's parameters.
        Assert.DoesNotContain(SiloIdentity, Text(vault));

        var pullers = Text(compiled.Module("registry")["properties"]!["parameters"]!["pullers"]!["value"]!);
        Assert.Contains(ApiIdentity, pullers);
        Assert.Contains(SiloIdentity, pullers);
    }

    private static Dictionary<string, JsonObject> Env(JsonObject app) =>
        app["properties"]!["template"]!["containers"]!.AsArray().Single()!["env"]!.AsArray()
            .Select(e => e!.AsObject())
            .ToDictionary(e => (string)e["name"]!);

    [GeneratedRegex(@"'principalId', parameters\('(?<principal>\w+)'\), 'principalType', [^,]+, 'roleId', variables\('(?<role>\w+)'\)")]
    private static partial Regex Grant();
}
