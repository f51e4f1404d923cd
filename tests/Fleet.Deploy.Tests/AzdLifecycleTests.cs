using System.Text.Json.Nodes;

namespace Fleet.Deploy.Tests;

/// <summary>
/// What azd does across `azd up --no-prompt`, a second machine and `azd down` / `azd up`, read from Azure/azure-dev:
/// parameters are resolved by azd itself (cli/azd/pkg/infra/provisioning/bicep/bicep_provider.go loadParameters:
/// env substitution, then command substitution), `$(secretOrRandomPassword VAULT SECRET)` reads the vault's secret or,
/// with no vault yet (fewer than two arguments) or no secret, makes 5 lower + 5 upper + 5 digits
/// (cli/azd/pkg/cmdsubst/secretOrRandomPassword.go, pkg/password/generator.go), and SERVICE_*_RESOURCE_EXISTS is set
/// before every provision (pkg/project/service_target_containerapp.go addPreProvisionChecks) while `azd down` deletes
/// the template's outputs from the environment but not SERVICE_*_IMAGE_NAME (pkg/infra/provisioning/manager.go Destroy).
/// </summary>
public sealed class AzdLifecycleTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    // azd's generated password: MinLower 5, MinUpper 5, MinNumeric 5, no length, so 15 characters.
    private const int AzdGeneratedLength = 15;

    private static JsonObject Parameters(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Infra, file)))!["parameters"]!.AsObject();

    [Fact]
    public void The_api_key_is_generated_by_azd_against_the_vault_that_keeps_it_so_no_prompt_and_no_hook()
    {
        var main = Parameters("main.parameters.json");
        var vaultSecret = (string)compiled.ModuleTemplate("keyvault")["variables"]!["secretName"]!;
        Assert.Equal($"$(secretOrRandomPassword ${{AZURE_KEY_VAULT_NAME}} {vaultSecret})", (string?)main["apiKey"]!["value"]);
        // The vault's name comes back as an output of the first provision, so every later one reads the kept key.
        Assert.True(compiled.Template["outputs"]!.AsObject().ContainsKey("AZURE_KEY_VAULT_NAME"));
        Assert.Equal("${AZURE_KEY_VAULT_NAME=}", (string?)main["keyVaultName"]!["value"]);

        // A required secure parameter azd always fills: never a prompt, and the generated length passes it.
        var apiKey = compiled.Template["parameters"]!["apiKey"]!;
        Assert.Equal("securestring", (string?)apiKey["type"]);
        Assert.Null(apiKey["defaultValue"]);
        Assert.True((int)apiKey["minLength"]! <= AzdGeneratedLength);
        // The API wants 16 or more: a 15-character key gets a suffix derived from it; the vault keeps the result.
        Assert.Equal("[if(greaterOrEquals(length(parameters('apiKey')), 16), parameters('apiKey'), format('{0}{1}', parameters('apiKey'), uniqueString(parameters('apiKey'))))]",
            (string?)compiled.Template["variables"]!["fleetApiKey"]);
        Assert.Equal("[variables('fleetApiKey')]", (string?)compiled.Module("keyvault")["properties"]!["parameters"]!["apiKey"]!["value"]);
        Assert.DoesNotContain("apiKey", Parameters("app/api.parameters.json").Select(p => p.Key));
    }

    [Fact]
    public void A_second_provision_never_rotates_the_key_and_the_api_reads_it_from_the_vault()
    {
        // The secret is written only when azd read it from the vault (it writes the same value back) or no fleet exists;
        // a machine that does not know the vault yet (no `azd env refresh`) but finds the API app keeps the vault's key.
        var secret = compiled.ModuleResources("keyvault").Single(r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets");
        Assert.Equal("[parameters('writeApiKey')]", (string?)secret["condition"]);
        Assert.Equal("[not(variables('keepDeployedKey'))]", (string?)compiled.Module("keyvault")["properties"]!["parameters"]!["writeApiKey"]!["value"]);
        Assert.Equal("[and(parameters('apiExists'), empty(parameters('keyVaultName')))]", (string?)compiled.Template["variables"]!["keepDeployedKey"]);

        // The API's Container Apps secret follows the vault's versionless secret with the apps' identity; no value.
        var api = compiled.App("api");
        var key = api["properties"]!["configuration"]!["secrets"]!.AsArray().Single(s => (string?)s!["name"] == "api-key")!;
        Assert.Null(key["value"]);
        Assert.Equal("[parameters('apiKeyUri')]", (string?)key["keyVaultUrl"]);
        Assert.Equal("[parameters('identityId')]", (string?)key["identity"]);
        Assert.Equal("${FLEET_API_KEY_URI}", (string?)Parameters("app/api.parameters.json")["apiKeyUri"]!["value"]);
        Assert.Contains("secrets/{1}", (string?)compiled.ModuleTemplate("keyvault")["outputs"]!["apiKeyUri"]!["value"]);
        // Key Vault Secrets User for the identity (and the deploying principal, which azd reads the key back as).
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", compiled.ModuleTemplate("keyvault").ToJsonString());
    }

    [Fact]
    public void Provision_reads_each_apps_image_from_azure_so_azd_down_and_up_never_passes_a_stale_image_name()
    {
        var main = Parameters("main.parameters.json");
        Assert.DoesNotContain(AzureYamlTests.Variables("main.parameters.json"), v => v.Name.EndsWith("_IMAGE_NAME", StringComparison.Ordinal));
        foreach (var (service, parameter, module, app) in new[] { ("silo", "siloExists", "silo-image", "silo-0"), ("api", "apiExists", "api-image", "api") })
        {
            Assert.Equal($"${{{AzureYamlTests.ExistsVariable(service)}=false}}", (string?)main[parameter]!["value"]);
            Assert.Equal("bool", (string?)compiled.Template["parameters"]![parameter]!["type"]);
            var read = compiled.Module(module)["properties"]!["parameters"]!;
            Assert.Equal($"[parameters('{parameter}')]", (string?)read["exists"]!["value"]);
            Assert.Equal(app, (string?)read["name"]!["value"]);
        }

        // The image the app runs now, and nothing at all when it does not exist (no registry lookup of a stale name).
        Assert.Equal("[if(parameters('exists'), reference(resourceId('Microsoft.App/containerApps', parameters('name')), '2025-01-01').template.containers[0].image, '')]",
            (string?)compiled.ModuleTemplate("silo-image")["outputs"]!["image"]!["value"]);
        Assert.Contains("'silo-image'", (string?)compiled.Module("silos")["properties"]!["parameters"]!["siloImage"]!["value"]);
        Assert.Contains("'api-image'", (string?)compiled.Module("api")["properties"]!["parameters"]!["apiImage"]!["value"]);
        // An app that exists but still runs the placeholder counts as not deployed: no replica, no probe against it.
        Assert.Equal("[and(not(empty(parameters('siloImage'))), not(equals(parameters('siloImage'), variables('placeholder'))))]",
            (string?)compiled.ModuleTemplate("silos")["variables"]!["deployed"]);
    }
}
