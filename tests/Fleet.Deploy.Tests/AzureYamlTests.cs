using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Fleet.Deploy.Tests;

/// <summary>
/// azure.yaml names the deployable services as Dockerfile-built container apps deployed through Bicep modules, and
/// every parameters file azd reads resolves from what azd sets: its own AZURE_* values, the image names it writes,
/// main.bicep's outputs or a default; no hook.
/// </summary>
public sealed partial class AzureYamlTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    // What azd sets before it substitutes a parameters file: AZURE_ENV_NAME, AZURE_LOCATION, AZURE_SUBSCRIPTION_ID,
    // AZURE_PRINCIPAL_ID and AZURE_PRINCIPAL_TYPE (Azure/azure-dev cli/azd/pkg/environment/environment.go,
    // cli/azd/pkg/infra/provisioning/bicep/bicep_provider.go evalParamEnvSubst).
    private static readonly string[] AzdSets = ["AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID", "AZURE_PRINCIPAL_ID", "AZURE_PRINCIPAL_TYPE"];

    private static YamlMappingNode Root()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(RepoPaths.AzureYaml);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { } value }
            ? value
            : throw new Xunit.Sdk.XunitException($"azure.yaml: '{key}' is missing");

    private static Dictionary<string, YamlMappingNode> Services() =>
        ((YamlMappingNode)Root()["services"]).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (YamlMappingNode)p.Value);

    // SERVICE_<KEY>_IMAGE_NAME, KEY = the service name upper-cased, '-' and white space to '_'
    // (Azure/azure-dev cli/azd/pkg/environment/environment.go Key and SetServiceProperty; written by
    // cli/azd/pkg/project/service_target_containerapp.go Publish).
    private static string ImageVariable(string service) =>
        ServiceVariable(service, "IMAGE_NAME");

    // SERVICE_<KEY>_RESOURCE_EXISTS: azd sets it before every provision (service_target_containerapp.go
    // addPreProvisionChecks: whether the app tagged azd-service-name exists now).
    internal static string ExistsVariable(string service) => ServiceVariable(service, "RESOURCE_EXISTS");

    private static string ServiceVariable(string service, string property) =>
        $"SERVICE_{Regex.Replace(service.ToUpperInvariant().Replace('-', '_'), @"\s", "_")}_{property}";

    [Fact]
    public void It_lists_api_and_silo_as_container_apps_built_remotely_from_their_dockerfiles()
    {
        var services = Services();
        Assert.Equal(["api", "silo"], services.Keys.Order().ToArray());
        foreach (var (name, settings) in services)
        {
            Assert.Equal("containerapp", Scalar(settings, "host"));
            Assert.Equal("docker", Scalar(settings, "language"));
            var docker = (YamlMappingNode)settings["docker"];
            var project = Path.Combine(RepoPaths.Root, Scalar(settings, "project"));
            // azd resolves docker.path and docker.context against the service's project folder (container_helper.go).
            Assert.True(File.Exists(Path.Combine(project, Scalar(docker, "path"))), $"{name}: no Dockerfile");
            Assert.Equal(Path.GetFullPath(RepoPaths.Root), Path.GetFullPath(Path.Combine(project, Scalar(docker, "context"))).TrimEnd('/'));
            Assert.Equal("true", Scalar(docker, "remoteBuild"));
        }
    }

    [Fact]
    public void Each_service_deploys_through_its_bicep_module_with_a_parameters_file_beside_it()
    {
        // azd deploys infra/<module>.bicep with infra/<module>.parameters.json when both exist
        // (service_target_containerapp.go Deploy, "controlledRevision"); a plain image update would reach one app only.
        foreach (var (name, settings) in Services())
        {
            var module = Path.Combine(RepoPaths.Infra, Scalar(settings, "module"));
            Assert.True(File.Exists(module + ".bicep"), $"{name}: {module}.bicep");
            Assert.True(File.Exists(module + ".parameters.json"), $"{name}: {module}.parameters.json");
            Assert.Contains($"'azd-service-name': '{name}'", File.ReadAllText(module + ".bicep"));
        }
        // And main.bicep provisions the same modules, so there is one definition of each app.
        var main = File.ReadAllText(Path.Combine(RepoPaths.Infra, "main.bicep"));
        foreach (var (_, settings) in Services())
            Assert.Contains($"'{Scalar(settings, "module")}.bicep'", main);
    }

    [Fact]
    public void Its_infra_section_points_at_the_bicep_template()
    {
        var infra = (YamlMappingNode)Root()["infra"];

        Assert.Equal("bicep", Scalar(infra, "provider"));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, Scalar(infra, "path"), Scalar(infra, "module") + ".bicep")));
    }

    [Fact]
    public void Every_variable_in_main_parameters_is_set_by_azd_an_output_of_the_last_provision_or_a_default()
    {
        var existence = Services().Keys.Select(ExistsVariable).ToHashSet();
        var outputs = compiled.Template["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        var text = File.ReadAllText(Path.Combine(RepoPaths.Infra, "main.parameters.json"));
        foreach (var (variable, hasDefault) in Variables("main.parameters.json"))
        {
            // An output reaches the azd environment only after the first provision: it needs a default until then,
            // except as secretOrRandomPassword's vault, where empty means "no vault yet: a random value"
            // (Azure/azure-dev cli/azd/pkg/cmdsubst/secretOrRandomPassword.go: fewer than two arguments).
            var vaultArgument = outputs.Contains(variable) && text.Contains($"$(secretOrRandomPassword ${{{variable}}} ", StringComparison.Ordinal);
            var known = AzdSets.Contains(variable) || hasDefault || vaultArgument;
            Assert.True(known, $"main.parameters.json reads ${{{variable}}}, which nothing sets");
        }
        // No hook: azd resolves the parameters itself (a preprovision hook would run after they were resolved, and a
        // value it writes would be one machine's).
        Assert.False(Root().Children.ContainsKey(new YamlScalarNode("hooks")), "azure.yaml has hooks");
        foreach (var variable in existence)
            Assert.Contains((variable, true), Variables("main.parameters.json"));
    }

    [Theory]
    [InlineData("app/silos")]
    [InlineData("app/api")]
    public void Every_variable_in_an_app_parameters_file_is_a_main_output_an_image_name_or_set_by_azd(string module)
    {
        var outputs = compiled.Template["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        var images = Services().Keys.Select(ImageVariable).ToHashSet();
        foreach (var (variable, hasDefault) in Variables(module + ".parameters.json"))
        {
            // An optional setting the user may `azd env set` (Entra ID sign-in) reads with a default, as in main.parameters.json.
            var known = AzdSets.Contains(variable) || outputs.Contains(variable) || images.Contains(variable) || hasDefault;
            Assert.True(known, $"{module}.parameters.json reads ${{{variable}}}, which neither azd nor main.bicep's outputs set");
        }
    }

    [Theory]
    [InlineData("main", "main.parameters.json")]
    [InlineData("app/silos", "app/silos.parameters.json")]
    [InlineData("app/api", "app/api.parameters.json")]
    public async Task A_parameters_file_sets_every_required_parameter_and_no_unknown_one(string bicep, string parametersFile)
    {
        var template = bicep == "main" ? compiled.Template : await CompiledTemplate.BuildAsync(Path.Combine(RepoPaths.Infra, bicep + ".bicep"));
        var declared = template["parameters"]!.AsObject();
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Infra, parametersFile)))!["parameters"]!.AsObject();

        foreach (var (name, _) in file)
            Assert.True(declared.ContainsKey(name), $"{parametersFile} sets '{name}', which {bicep}.bicep does not declare");
        foreach (var (name, _) in declared.Where(p => p.Value!["defaultValue"] is null))
            Assert.True(file.ContainsKey(name), $"{parametersFile} does not set the required parameter '{name}'");
    }

    internal static List<(string Name, bool HasDefault)> Variables(string parametersFile) =>
        Reference().Matches(File.ReadAllText(Path.Combine(RepoPaths.Infra, parametersFile)))
            .Select(m => (m.Groups["name"].Value, m.Groups["default"].Success))
            .ToList();

    // envsubst syntax as azd uses it: ${NAME} or ${NAME=default}.
    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+)(?<default>=[^}]*)?\}")]
    private static partial Regex Reference();
}
