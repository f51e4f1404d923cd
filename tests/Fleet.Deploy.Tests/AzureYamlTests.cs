using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Fleet.Deploy.Tests;

/// <summary>
/// azure.yaml names the deployable services as Dockerfile-built container apps deployed through Bicep modules, and
/// every parameters file azd reads resolves from what azd sets: its own AZURE_* values, the image names it writes,
/// main.bicep's outputs, the key the preprovision hook writes, or a default.
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
        $"SERVICE_{Regex.Replace(service.ToUpperInvariant().Replace('-', '_'), @"\s", "_")}_IMAGE_NAME";

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
    public void Every_variable_in_main_parameters_is_set_by_azd_the_preprovision_hook_or_a_default()
    {
        var images = Services().Keys.Select(ImageVariable).ToHashSet();
        var hook = Root()["hooks"]["preprovision"].ToString();
        foreach (var (variable, hasDefault) in Variables("main.parameters.json"))
        {
            var known = AzdSets.Contains(variable) || hasDefault || (images.Contains(variable) && hasDefault)
                        || hook.Contains($"azd env set {variable}", StringComparison.Ordinal);
            Assert.True(known, $"main.parameters.json reads ${{{variable}}}, which nothing sets");
        }
        // The image names are read with an empty default: before the first deploy azd has not written them.
        Assert.Contains(("SERVICE_SILO_IMAGE_NAME", true), Variables("main.parameters.json"));
        Assert.Contains(("SERVICE_API_IMAGE_NAME", true), Variables("main.parameters.json"));
    }

    [Theory]
    [InlineData("app/silos")]
    [InlineData("app/api")]
    public void Every_variable_in_an_app_parameters_file_is_a_main_output_an_image_name_or_set_by_azd(string module)
    {
        var outputs = compiled.Template["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        var images = Services().Keys.Select(ImageVariable).ToHashSet();
        var hook = Root()["hooks"]["preprovision"].ToString();
        foreach (var (variable, hasDefault) in Variables(module + ".parameters.json"))
        {
            // An optional setting the user may `azd env set` (Entra ID sign-in) reads with a default, as in main.parameters.json.
            var known = AzdSets.Contains(variable) || outputs.Contains(variable) || images.Contains(variable) || hasDefault
                        || hook.Contains($"azd env set {variable}", StringComparison.Ordinal);
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

    [Fact]
    public void The_api_key_comes_from_the_azd_environment_only()
    {
        foreach (var file in new[] { "main.parameters.json", "app/api.parameters.json" })
            Assert.Equal("${FLEET_API_KEY}", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Infra, file)))!["parameters"]!["apiKey"]!["value"]);
        Assert.Contains(".azure/", File.ReadAllLines(Path.Combine(RepoPaths.Root, ".gitignore")));
    }

    private static List<(string Name, bool HasDefault)> Variables(string parametersFile) =>
        Reference().Matches(File.ReadAllText(Path.Combine(RepoPaths.Infra, parametersFile)))
            .Select(m => (m.Groups["name"].Value, m.Groups["default"].Success))
            .ToList();

    // envsubst syntax as azd uses it: ${NAME} or ${NAME=default}.
    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+)(?<default>=[^}]*)?\}")]
    private static partial Regex Reference();
}
