using System.Text.Json.Nodes;

namespace Fleet.Deploy.Tests;

/// <summary>infra/main.bicep compiled to an ARM template once, with its resources (modules' nested ones included) flattened.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    public JsonObject Template { get; private set; } = new();

    /// <summary>Every resource in the template and in every nested module template.</summary>
    public IReadOnlyList<JsonObject> Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Template = await BuildAsync(Path.Combine(RepoPaths.Infra, "main.bicep"));
        var resources = new List<JsonObject>();
        Collect(Template, resources);
        Resources = resources;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>One Bicep file compiled to its ARM template.</summary>
    public static async Task<JsonObject> BuildAsync(string bicepFile)
    {
        var result = await BicepCli.RunAsync("build", "--stdout", bicepFile);
        Assert.True(result.ExitCode == 0, result.Describe());
        return JsonNode.Parse(result.Output)!.AsObject();
    }

    /// <summary>The resources of one type (e.g. Microsoft.App/containerApps).</summary>
    public IReadOnlyList<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The deployment (module) named <paramref name="name"/>.</summary>
    public JsonObject Module(string name) =>
        OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == name);

    /// <summary>A module's nested template.</summary>
    public JsonObject ModuleTemplate(string name) => Module(name)["properties"]!["template"]!.AsObject();

    /// <summary>The resources a module's nested template declares.</summary>
    public IReadOnlyList<JsonObject> ModuleResources(string name) => Flatten(Module(name)["properties"]!["template"]!["resources"]).ToList();

    /// <summary>The single container app (or app loop) a module declares.</summary>
    public JsonObject App(string name) => ModuleResources(name).Single(r => (string?)r["type"] == "Microsoft.App/containerApps");

    private static void Collect(JsonObject template, List<JsonObject> into)
    {
        foreach (var resource in Flatten(template["resources"]))
        {
            into.Add(resource);
            if (resource["properties"]?["template"] is JsonObject nested)
                Collect(nested, into);
        }
    }

    // Resources are an array, or an object keyed by symbolic name (language version 2.0).
    private static IEnumerable<JsonObject> Flatten(JsonNode? resources) => resources switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };
}
