using System.Net.Http.Json;

namespace Fleet.AppHost;

/// <summary>A dashboard button on the API resource: submit the sample job (sample:imagenet-100 into the fleet's Azurite).</summary>
public static class SampleJobCommand
{
    public static IResourceBuilder<ProjectResource> WithSampleJobCommand(this IResourceBuilder<ProjectResource> api, string repoRoot, IResourceBuilder<ParameterResource> apiKey) =>
        api.WithCommand("submit-sample", "Submit the sample job", async context =>
        {
            var endpoint = api.GetEndpoint("http");
            using var http = new HttpClient { BaseAddress = new Uri(endpoint.Url) };
            http.DefaultRequestHeaders.Add("X-Api-Key", await apiKey.Resource.GetValueAsync(context.CancellationToken));
            var response = await http.PostAsJsonAsync("/jobs", new { dataset = "sample:imagenet-100", output = Path.Combine(repoRoot, "out") }, context.CancellationToken);
            return response.IsSuccessStatusCode
                ? CommandResults.Success()
                : CommandResults.Failure($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.CancellationToken)}");
        }, new CommandOptions { IconName = "Play", Description = "Labels the 100 sample photos; rows go to ./out/<job>/" });
}
