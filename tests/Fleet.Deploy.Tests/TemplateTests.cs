using System.Text.Json.Nodes;

namespace Fleet.Deploy.Tests;

/// <summary>What the compiled template creates: the properties that make the deployment keyless, GPU-backed and reachable.</summary>
public sealed class TemplateTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void It_creates_the_resource_group_and_every_resource_fleet_needs()
    {
        string[] expected =
        [
            "Microsoft.Resources/resourceGroups",
            "Microsoft.OperationalInsights/workspaces",
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            "Microsoft.Storage/storageAccounts",
            "Microsoft.Storage/storageAccounts/blobServices/containers",
            "Microsoft.ContainerRegistry/registries",
            "Microsoft.Authorization/roleAssignments",
            "Microsoft.App/managedEnvironments",
            "Microsoft.App/managedEnvironments/dotNetComponents",
            "Microsoft.App/containerApps",
        ];

        foreach (var type in expected)
            Assert.True(compiled.OfType(type).Count > 0, $"the template creates no {type}");
        Assert.Equal(2, compiled.OfType("Microsoft.App/containerApps").Count);
    }

    [Fact]
    public void Storage_refuses_shared_keys_and_the_identity_gets_blob_table_and_queue_data_roles_and_acr_pull()
    {
        var account = compiled.OfType("Microsoft.Storage/storageAccounts").Single();
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)account["properties"]!["allowBlobPublicAccess"]!);

        var templates = compiled.OfType("Microsoft.Resources/deployments").Select(d => d["properties"]!["template"]!.ToJsonString()).ToList();
        string[] roles =
        [
            "ba92f5b4-2d11-453d-a403-e96b0029c9fe", // Storage Blob Data Contributor
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "7f951dda-4ed3-4680-a7ca-43fe172d538d", // AcrPull
        ];
        foreach (var role in roles)
            Assert.Contains(templates, t => t.Contains(role, StringComparison.Ordinal) && t.Contains("Microsoft.Authorization/roleAssignments", StringComparison.Ordinal));
        var registry = compiled.OfType("Microsoft.ContainerRegistry/registries").Single();
        Assert.False((bool)registry["properties"]!["adminUserEnabled"]!);
    }

    [Fact]
    public void The_gpu_profile_is_a_parameter_limited_to_serverless_t4_and_a100_next_to_a_consumption_profile()
    {
        var gpu = compiled.Template["parameters"]!["gpuProfileType"]!;
        Assert.Equal(["Consumption-GPU-NC8as-T4", "Consumption-GPU-NC24-A100"], gpu["allowedValues"]!.AsArray().Select(v => (string)v!).ToArray());

        var environment = compiled.OfType("Microsoft.App/managedEnvironments").Single();
        var profiles = environment["properties"]!["workloadProfiles"]!.AsArray();
        Assert.Contains(profiles, p => (string?)p!["workloadProfileType"] == "Consumption");
        Assert.Contains(profiles, p => ((string?)p!["workloadProfileType"])?.Contains("gpuProfileType", StringComparison.Ordinal) == true);

        var dashboard = compiled.OfType("Microsoft.App/managedEnvironments/dotNetComponents").Single();
        Assert.Equal("AspireDashboard", (string?)dashboard["properties"]!["componentType"]);
    }

    [Fact]
    public void The_silos_run_on_the_gpu_profile_with_silo_and_gateway_ports_open_inside_the_environment_only()
    {
        var silo = compiled.App("silo");
        var properties = silo["properties"]!;
        Assert.Contains("workloadProfileName", (string?)properties["workloadProfileName"]);

        var ingress = properties["configuration"]!["ingress"]!;
        Assert.False((bool)ingress["external"]!);
        Assert.Equal("tcp", (string?)ingress["transport"]);
        Assert.Contains("siloPort", (string?)ingress["targetPort"]);
        var extra = ingress["additionalPortMappings"]!.AsArray().Single()!;
        Assert.False((bool)extra["external"]!);
        Assert.Contains("gatewayPort", (string?)extra["targetPort"]);

        var scale = properties["template"]!["scale"]!;
        Assert.Contains("minReplicas", (string?)scale["minReplicas"]);
        Assert.Contains("maxReplicas", (string?)scale["maxReplicas"]);
        var siloModule = compiled.OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == "silo");
        var parameters = siloModule["properties"]!["parameters"]!;
        Assert.Contains("siloMinReplicas", (string?)parameters["minReplicas"]!["value"]);
        Assert.Contains("siloMaxReplicas", (string?)parameters["maxReplicas"]!["value"]);
    }

    [Fact]
    public void Both_apps_reach_storage_by_service_uri_and_managed_identity_never_by_a_key()
    {
        foreach (var name in new[] { "silo", "api" })
        {
            var env = Env(compiled.App(name));
            Assert.True(env.ContainsKey("Fleet__Storage__BlobServiceUri"), name);
            Assert.True(env.ContainsKey("Fleet__Storage__TableServiceUri"), name);
            Assert.True(env.ContainsKey("Fleet__Storage__ManagedIdentityClientId"), name);
            Assert.DoesNotContain(env.Keys, k => k is "FLEET_STORAGE" or "Fleet__Storage__AccountKey" or "Fleet__Storage__ConnectionString");
            var identity = compiled.App(name)["identity"]!;
            Assert.Equal("UserAssigned", (string?)identity["type"]);
        }
    }

    [Fact]
    public void The_api_key_is_a_secure_parameter_that_reaches_the_api_only_as_a_container_apps_secret()
    {
        Assert.Equal("securestring", (string?)compiled.Template["parameters"]!["apiKey"]!["type"]);

        var api = compiled.App("api");
        var secrets = api["properties"]!["configuration"]!["secrets"]!.AsArray();
        Assert.Contains(secrets, s => (string?)s!["name"] == "api-key");
        var key = Env(api)["Fleet__Api__Key"];
        Assert.Equal("api-key", (string?)key["secretRef"]);
        Assert.Null(key["value"]);
        Assert.True((bool)api["properties"]!["configuration"]!["ingress"]!["external"]!);

        // Nothing else carries it in the clear: no plain env value anywhere mentions the parameter.
        var siloEnv = Env(compiled.App("silo"));
        Assert.DoesNotContain(siloEnv.Values, v => v.ToJsonString().Contains("apiKey", StringComparison.Ordinal));
    }

    [Fact]
    public void It_outputs_what_azd_needs()
    {
        var outputs = compiled.Template["outputs"]!.AsObject();
        string[] required =
        [
            "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID", "AZURE_CONTAINER_APPS_ENVIRONMENT_ID",
            "AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN", "MANAGED_IDENTITY_CLIENT_ID", "AZURE_STORAGE_BLOB_ENDPOINT",
            "AZURE_STORAGE_TABLE_ENDPOINT", "AZURE_STORAGE_QUEUE_ENDPOINT", "FLEET_API_URL", "FLEET_DASHBOARD_URL",
        ];
        foreach (var name in required)
            Assert.True(outputs.ContainsKey(name), $"no output {name}");
    }

    private static Dictionary<string, JsonObject> Env(JsonObject app) =>
        app["properties"]!["template"]!["containers"]!.AsArray().Single()!["env"]!.AsArray()
            .Select(e => e!.AsObject())
            .ToDictionary(e => (string)e["name"]!);
}
