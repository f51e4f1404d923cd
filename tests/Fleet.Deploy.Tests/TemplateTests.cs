using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Deploy.Tests;

/// <summary>
/// The compiled template's topology, as Orleans' Container Apps guide requires it: a VNet-integrated internal
/// environment, `siloCount` GPU silo apps of at most one replica beside one CPU silo, each with its own exposed silo/gateway port pair
/// on the environment's static IP, which it advertises; storage without shared keys; roles on single resources.
/// </summary>
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
            "Microsoft.Network/virtualNetworks",
            "Microsoft.Network/privateDnsZones",
            "Microsoft.App/managedEnvironments",
            "Microsoft.App/managedEnvironments/dotNetComponents",
            "Microsoft.App/containerApps",
            "Microsoft.Insights/components",
            "Microsoft.KeyVault/vaults",
            "Microsoft.KeyVault/vaults/secrets",
        ];

        foreach (var type in expected)
            Assert.True(compiled.OfType(type).Count > 0, $"the template creates no {type}");
        // The silo apps (one loop) and the API.
        Assert.Equal(2, compiled.OfType("Microsoft.App/containerApps").Count);
    }

    [Fact]
    public void The_silos_environment_is_internal_and_vnet_integrated_and_the_api_environment_shares_the_vnet()
    {
        var silosEnvironment = Single(compiled.ModuleResources("environment"), "Microsoft.App/managedEnvironments");
        var vnet = silosEnvironment["properties"]!["vnetConfiguration"]!;
        Assert.True((bool)vnet["internal"]!);
        Assert.Contains("subnetId", (string?)vnet["infrastructureSubnetId"]);
        Assert.Contains("silosSubnetId", compiled.Module("environment")["properties"]!["parameters"]!["subnetId"]!.ToJsonString());

        var apiEnvironment = Single(compiled.ModuleResources("api-environment"), "Microsoft.App/managedEnvironments");
        Assert.False((bool)apiEnvironment["properties"]!["vnetConfiguration"]!["internal"]!);
        Assert.Contains("apiSubnetId", compiled.Module("api-environment")["properties"]!["parameters"]!["subnetId"]!.ToJsonString());

        // Both subnets are delegated to Container Apps environments, in one VNet.
        var subnets = compiled.OfType("Microsoft.Network/virtualNetworks").Single()["properties"]!["subnets"]!.AsArray();
        Assert.Equal(2, subnets.Count);
        Assert.All(subnets, s => Assert.Contains("Microsoft.App/environments", s!.ToJsonString()));
    }

    [Fact]
    public void Gpu_silo_apps_scale_from_zero_to_one_on_pending_work_beside_a_cpu_silo_that_keeps_the_cluster()
    {
        var silo = compiled.App("silos");
        var apps = (string)compiled.ModuleTemplate("silos")["variables"]!["apps"]!;
        Assert.Equal("[length(variables('apps'))]", (string?)silo["copy"]!["count"]);
        Assert.Contains("siloCount", compiled.ModuleTemplate("silos")["variables"]!["count"]!.ToString());
        Assert.NotNull(compiled.Template["parameters"]!["siloCount"]!["maxValue"]);

        // The CPU silo: Consumption profile, one replica once deployed (none before: the placeholder is never billed).
        var cpu = Regex.Match(apps, @"createObject\('name', 'silo-cpu'.*?'tags', createObject\(\)\)").Value;
        Assert.Contains("'profile', 'Consumption'", cpu);
        Assert.Contains("'device', 'cpu'", cpu);
        Assert.Contains("'minReplicas', if(variables('deployed'), 1, 0)", cpu);
        Assert.Contains("'rules', createArray()", cpu);
        // The GPU silos: siloCount of them on the GPU profile, minReplicas 0, one azure-blob rule on the pending markers.
        var gpu = apps[apps.IndexOf("map(range(0, variables('count'))", StringComparison.Ordinal)..];
        Assert.Contains("'profile', parameters('gpuProfileName')", gpu);
        Assert.Contains("'device', 'cuda'", gpu);
        Assert.Contains("'minReplicas', 0,", gpu);
        Assert.Contains("createObject('type', 'azure-blob', 'metadata', createObject('accountName', parameters('storageAccountName'), 'blobContainerName', variables('pendingWorkContainer'), 'blobCount', '1', 'activationBlobCount', '0'), 'identity', parameters('identityId'))", gpu);

        var scale = silo["properties"]!["template"]!["scale"]!;
        Assert.Equal(1, (int)scale["maxReplicas"]!);
        Assert.Equal("[variables('apps')[copyIndex()].minReplicas]", (string?)scale["minReplicas"]);
        Assert.Equal("[variables('apps')[copyIndex()].rules]", (string?)scale["rules"]);
        Assert.Equal("[variables('apps')[copyIndex()].profile]", (string?)silo["properties"]!["workloadProfileName"]);

        // The rule counts the container the job registry writes its markers to, and the template creates it.
        var markers = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Fleet.Storage", "Scaling", "PendingWorkMarkers.cs"));
        var container = (string)compiled.ModuleTemplate("silos")["variables"]!["pendingWorkContainer"]!;
        Assert.Contains($"public const string Container = \"{container}\";", markers);
        Assert.Contains(container, compiled.ModuleTemplate("storage")["parameters"]!["containers"]!["defaultValue"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public void Silo_apps_deploy_one_at_a_time()
    {
        // Orleans' Container Apps guide: revisions of one silo must not overlap; serially, a deploy needs no second GPU.
        var copy = compiled.App("silos")["copy"]!;
        Assert.Equal("serial", (string?)copy["mode"]);
        Assert.Equal(1, (int)copy["batchSize"]!);
        Assert.Equal("Single", (string?)compiled.App("silos")["properties"]!["configuration"]!["activeRevisionsMode"]);
    }

    [Fact]
    public void Each_silo_app_exposes_its_own_silo_and_gateway_ports_and_advertises_them_with_the_static_ip()
    {
        var template = compiled.ModuleTemplate("silos");
        var variables = template["variables"]!;
        var silo = (int)variables["siloTargetPort"]!;
        var gateway = (int)variables["gatewayTargetPort"]!;
        var maxSilos = (int)compiled.Template["parameters"]!["siloCount"]!["maxValue"]!;
        var app = compiled.App("silos");
        var ingress = app["properties"]!["configuration"]!["ingress"]!;
        const string index = "variables('apps')[copyIndex()].index";

        Assert.Equal("tcp", (string?)ingress["transport"]);
        // external: at the boundary of an internal environment, i.e. the VNet only.
        Assert.True((bool)ingress["external"]!);
        Assert.Equal($"[add(variables('siloTargetPort'), {index})]", (string?)ingress["exposedPort"]);
        var extra = ingress["additionalPortMappings"]!.AsArray().Single()!;
        Assert.Equal($"[add(variables('gatewayTargetPort'), {index})]", (string?)extra["exposedPort"]);
        Assert.Equal("[variables('gatewayTargetPort')]", (string?)extra["targetPort"]);

        // Silo i exposes silo+i and gateway+i, the CPU silo its own index past them all: unique per app, the two ranges
        // disjoint, none the reserved 36985.
        var cpuIndex = (int)variables["cpuSiloIndex"]!;
        Assert.True(cpuIndex >= maxSilos, $"the CPU silo's index {cpuIndex} is one a GPU silo may have");
        var exposed = Enumerable.Range(0, maxSilos).Append(cpuIndex).SelectMany(i => new[] { silo + i, gateway + i }).ToList();
        Assert.Equal(exposed.Count, exposed.Distinct().Count());
        Assert.DoesNotContain(36985, exposed);

        var env = Env(app);
        Assert.Equal("AzureTable", (string?)env["Fleet__Silo__Clustering"]["value"]);
        Assert.Equal("[parameters('staticIp')]", (string?)env["Fleet__Silo__AdvertisedIPAddress"]["value"]);
        Assert.Equal("[string(variables('siloTargetPort'))]", (string?)env["Fleet__Silo__SiloPort"]["value"]);
        Assert.Equal("[string(variables('gatewayTargetPort'))]", (string?)env["Fleet__Silo__GatewayPort"]["value"]);
        Assert.Equal($"[string(add(variables('siloTargetPort'), {index}))]", (string?)env["Fleet__Silo__AdvertisedSiloPort"]["value"]);
        Assert.Equal($"[string(add(variables('gatewayTargetPort'), {index}))]", (string?)env["Fleet__Silo__AdvertisedGatewayPort"]["value"]);
        Assert.Contains("environment", compiled.Module("silos")["properties"]!["parameters"]!["staticIp"]!.ToJsonString());
        Assert.Contains("staticIp", compiled.Module("silos")["properties"]!["parameters"]!["staticIp"]!.ToJsonString());
        Assert.Equal("[variables('apps')[copyIndex()].device]", (string?)env["Fleet__Inference__Device"]["value"]);
        Assert.Equal("[parameters('otlpEndpoint')]", (string?)env["OTEL_EXPORTER_OTLP_ENDPOINT"]["value"]);
    }

    [Fact]
    public void Silos_readiness_is_the_silo_port_never_the_models_and_the_grace_period_outlasts_the_host_shutdown()
    {
        var app = compiled.App("silos");
        var container = app["properties"]!["template"]!["containers"]!.AsArray().Single()!;
        var probes = container["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => p!.AsObject());
        Assert.Equal("/alive", (string?)probes["Startup"]["httpGet"]!["path"]);
        Assert.Equal("/alive", (string?)probes["Liveness"]["httpGet"]!["path"]);
        // Readiness gates the silo-to-silo port on the port itself: a silo that joined the cluster stays reachable while
        // CUDA and the models load (the worker waits for them, InferenceReadiness), so its peers never vote it dead.
        Assert.Null(probes["Readiness"]["httpGet"]);
        Assert.Equal("[variables('siloTargetPort')]", (string?)probes["Readiness"]["tcpSocket"]!["port"]);
        Assert.DoesNotContain("/health", container.ToJsonString());
        // The .NET host's default shutdown timeout is 30 s; the platform must wait longer before SIGKILL.
        Assert.True((int)app["properties"]!["template"]!["terminationGracePeriodSeconds"]! > 30);
    }

    [Fact]
    public void Storage_refuses_shared_keys_and_roles_sit_on_single_resources_with_no_queue_role()
    {
        var account = compiled.OfType("Microsoft.Storage/storageAccounts").Single();
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)account["properties"]!["allowBlobPublicAccess"]!);
        var registry = compiled.OfType("Microsoft.ContainerRegistry/registries").Single();
        Assert.False((bool)registry["properties"]!["adminUserEnabled"]!);

        var assignments = compiled.OfType("Microsoft.Authorization/roleAssignments");
        Assert.NotEmpty(assignments);
        // Every assignment is scoped to the storage account (or one of its tables), the registry or the vault, never the group or subscription.
        Assert.All(assignments, a => Assert.Matches(@"^\[resourceId\('Microsoft\.(Storage/storageAccounts|Storage/storageAccounts/tableServices/tables|ContainerRegistry/registries|KeyVault/vaults)', parameters\('name'\)(, 'default', variables\('\w+'\))?\)\]$", (string?)a["scope"] ?? ""));
        // The role ids sit in the modules' variables; the templates that assign roles hold them.
        var all = string.Join('\n', compiled.OfType("Microsoft.Resources/deployments").Select(d => d["properties"]!["template"]!.ToJsonString())
            .Where(t => t.Contains("Microsoft.Authorization/roleAssignments", StringComparison.Ordinal)));
        Assert.Contains("ba92f5b4-2d11-453d-a403-e96b0029c9fe", all); // Storage Blob Data Contributor
        Assert.Contains("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", all); // Storage Table Data Contributor
        Assert.Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", all); // AcrPull
        Assert.DoesNotContain("974c5e8b-45b9-4653-ba55-5f855dd0fb88", string.Join('\n', compiled.Resources.Select(r => r.ToJsonString()))); // Queue
        // The deploying principal's kind is a parameter (a CI service principal is not a User).
        Assert.DoesNotContain("\\u0027User\\u0027", string.Join('\n', assignments.Select(a => a.ToJsonString())));
        Assert.Equal(["User", "ServicePrincipal", "Group"], compiled.Template["parameters"]!["principalType"]!["allowedValues"]!.AsArray().Select(v => (string)v!).ToArray());
    }

    [Fact]
    public void The_gpu_profile_is_a_parameter_limited_to_serverless_t4_and_a100_next_to_a_consumption_profile()
    {
        var gpu = compiled.Template["parameters"]!["gpuProfileType"]!;
        Assert.Equal(["Consumption-GPU-NC8as-T4", "Consumption-GPU-NC24-A100"], gpu["allowedValues"]!.AsArray().Select(v => (string)v!).ToArray());

        var environment = Single(compiled.ModuleResources("environment"), "Microsoft.App/managedEnvironments");
        var profiles = environment["properties"]!["workloadProfiles"]!.AsArray();
        Assert.Contains(profiles, p => (string?)p!["workloadProfileType"] == "Consumption");
        Assert.Contains(profiles, p => ((string?)p!["workloadProfileType"])?.Contains("gpuProfileType", StringComparison.Ordinal) == true);

        var dashboard = compiled.OfType("Microsoft.App/managedEnvironments/dotNetComponents").Single();
        Assert.Equal("AspireDashboard", (string?)dashboard["properties"]!["componentType"]);
    }

    [Fact]
    public void Both_apps_reach_storage_by_service_uri_and_managed_identity_never_by_a_key()
    {
        foreach (var name in new[] { "silos", "api" })
        {
            var env = Env(compiled.App(name));
            Assert.True(env.ContainsKey("Fleet__Storage__BlobServiceUri"), name);
            Assert.True(env.ContainsKey("Fleet__Storage__TableServiceUri"), name);
            Assert.True(env.ContainsKey("Fleet__Storage__ManagedIdentityClientId"), name);
            Assert.DoesNotContain(env.Keys, k => k is "FLEET_STORAGE" or "Fleet__Storage__AccountKey" or "Fleet__Storage__ConnectionString");
            Assert.Equal("UserAssigned", (string?)compiled.App(name)["identity"]!["type"]);
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
        Assert.Contains("api-environment", compiled.Module("api")["properties"]!["parameters"]!["environmentId"]!.ToJsonString());

        var siloEnv = Env(compiled.App("silos"));
        Assert.DoesNotContain(siloEnv.Values, v => v.ToJsonString().Contains("apiKey", StringComparison.Ordinal));
    }

    [Fact]
    public void It_outputs_what_the_app_modules_and_the_docs_need()
    {
        var outputs = compiled.Template["outputs"]!.AsObject();
        string[] required =
        [
            "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID", "AZURE_CONTAINER_APPS_ENVIRONMENT_ID",
            "AZURE_CONTAINER_APPS_ENVIRONMENT_STATIC_IP", "MANAGED_IDENTITY_CLIENT_ID", "AZURE_STORAGE_BLOB_ENDPOINT",
            "AZURE_STORAGE_TABLE_ENDPOINT", "FLEET_API_URL", "FLEET_DASHBOARD_URL", "FLEET_SILO_COUNT", "FLEET_GPU_PROFILE",
        ];
        foreach (var name in required)
            Assert.True(outputs.ContainsKey(name), $"no output {name}");
    }

    private static JsonObject Single(IEnumerable<JsonObject> resources, string type) =>
        resources.Single(r => (string?)r["type"] == type);

    private static Dictionary<string, JsonObject> Env(JsonObject app) =>
        app["properties"]!["template"]!["containers"]!.AsArray().Single()!["env"]!.AsArray()
            .Select(e => e!.AsObject())
            .ToDictionary(e => (string)e["name"]!);
}
