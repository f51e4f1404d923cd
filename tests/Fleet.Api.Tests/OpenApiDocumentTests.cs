using Fleet.Contracts;
using Fleet.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Fleet.Api.Tests;

/// <summary>
/// docs/openapi/fleet-api.json is what clients are generated from: it must be the document the build writes from the
/// API's own routes (src/Fleet.Api/obj/fleet-api.json, Microsoft.Extensions.ApiDescription.Server), and a valid one.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string Committed = Path.Combine(TestPaths.RepoRoot, "docs", "openapi", "fleet-api.json");
    private static readonly string Generated = Path.Combine(TestPaths.RepoRoot, "src", "Fleet.Api", "obj", "fleet-api.json");

    [Fact]
    public void The_committed_document_is_the_one_the_build_generates()
    {
        Assert.True(File.Exists(Generated), $"the build did not write {Generated}");
        Assert.True(
            File.ReadAllText(Committed).ReplaceLineEndings() == File.ReadAllText(Generated).ReplaceLineEndings(),
            "docs/openapi/fleet-api.json is stale: dotnet build src/Fleet.Api && cp src/Fleet.Api/obj/fleet-api.json docs/openapi/, and commit it");
    }

    [Fact]
    public async Task The_document_parses_without_errors_and_names_the_routes_their_responses_and_both_credentials()
    {
        await using var stream = File.OpenRead(Committed);
        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "json", new OpenApiReaderSettings());
        Assert.NotNull(document);
        Assert.Empty(diagnostic!.Errors);

        var schemes = document.Components!.SecuritySchemes!;
        Assert.Equal((SecuritySchemeType.ApiKey, ParameterLocation.Header, ApiKeyHeader.Name), (schemes["apiKey"].Type!.Value, schemes["apiKey"].In!.Value, schemes["apiKey"].Name));
        Assert.Equal((SecuritySchemeType.Http, "bearer"), (schemes["bearer"].Type!.Value, schemes["bearer"].Scheme));

        OpenApiOperation Operation(string path, HttpMethod method)
        {
            Assert.True(document.Paths.TryGetValue(path, out var item), $"no {path} in the document");
            Assert.True(item!.Operations!.TryGetValue(method, out var operation), $"no {method} {path}");
            // Either credential is enough: two requirements of one scheme each.
            Assert.Equal(["apiKey", "bearer"], operation!.Security!.Select(r => r.Keys.Single().Reference.Id).Order());
            return operation;
        }
        Assert.Contains("202", Operation("/jobs", HttpMethod.Post).Responses!.Keys);
        Assert.Contains("200", Operation("/jobs", HttpMethod.Get).Responses!.Keys);
        foreach (var (path, method) in new[] { ("/jobs/{id}", HttpMethod.Get), ("/jobs/{id}/cancel", HttpMethod.Post), ("/jobs/{id}/resume", HttpMethod.Post), ("/jobs/{id}/events", HttpMethod.Get), ("/jobs/{id}/page-link", HttpMethod.Post), ("/jobs/{id}/thumbnail", HttpMethod.Get) })
            Assert.Contains("404", Operation(path, method).Responses!.Keys);

        // The rows route: its query parameters and a typed page (rows and the next cursor) a client can deserialize.
        var rows = Operation("/jobs/{id}/rows", HttpMethod.Get);
        Assert.Equal(["cursor", "errors", "id", "label", "limit", "minScore"], rows.Parameters!.Select(p => p.Name!).Order(StringComparer.Ordinal));
        var page = rows.Responses!["200"].Content!["application/json"].Schema!;
        Assert.Equal("JobRowsPage", ((OpenApiSchemaReference)page).Reference.Id);
        Assert.Contains("next", document.Components.Schemas!["JobRowsPage"].Properties!.Keys);
        // The browser-only page and its script are not part of the API a client calls.
        Assert.DoesNotContain("/jobs/{id}/page", document.Paths.Keys);
    }
}
