using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Fleet.Deploy.Tests;

/// <summary>azure.yaml names the AppHost that azd deploys, and main.parameters.json feeds exactly main.bicep's parameters.</summary>
public sealed class AzureYamlTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
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

    [Fact]
    public void It_names_the_apphost_project_as_a_dotnet_container_app_service()
    {
        var services = (YamlMappingNode)Root()["services"];
        var service = Assert.Single(services.Children);
        var settings = (YamlMappingNode)service.Value;

        var project = Path.GetFullPath(Path.Combine(RepoPaths.Root, Scalar(settings, "project")));
        Assert.True(File.Exists(project), $"azure.yaml names {project}, which does not exist");
        Assert.Contains("Aspire.AppHost.Sdk", File.ReadAllText(project));
        Assert.Equal("dotnet", Scalar(settings, "language"));
        Assert.Equal("containerapp", Scalar(settings, "host"));
    }

    [Fact]
    public void Its_infra_section_points_at_the_bicep_template()
    {
        var infra = (YamlMappingNode)Root()["infra"];

        Assert.Equal("bicep", Scalar(infra, "provider"));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, Scalar(infra, "path"), Scalar(infra, "module") + ".bicep")));
    }

    [Fact]
    public void The_parameters_file_sets_every_required_parameter_and_no_unknown_one()
    {
        var template = compiled.Template["parameters"]!.AsObject();
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Infra, "main.parameters.json")))!["parameters"]!.AsObject();

        foreach (var (name, _) in file)
            Assert.True(template.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare");
        foreach (var (name, _) in template.Where(p => p.Value!["defaultValue"] is null))
            Assert.True(file.ContainsKey(name), $"main.parameters.json does not set the required parameter '{name}'");
        // The key comes from the azd environment, never from the file.
        Assert.Equal("${FLEET_API_KEY}", (string?)file["apiKey"]!["value"]);
    }
}
