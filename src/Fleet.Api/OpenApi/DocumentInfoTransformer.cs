using Fleet.Api.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>The document's title and the security schemes the operations name (<see cref="CredentialsTransformer"/>).</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Fleet API",
            Version = "v1",
            Description = "Submit image-labeling jobs, watch them, and read their rows. Every /jobs route takes an API key "
                + $"({ApiKeyOptions.HeaderName}) or, where the fleet has Entra ID on, a bearer token. Results are also "
                + "written as JSONL or Parquet parts to the job's output (docs/results.md).",
        };
        // Where the API runs is the caller's to say (a local fleet, Azure): a server here would be the build's.
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[FleetOpenApi.ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyOptions.HeaderName,
            Description = "An API key (FLEET_API_KEY, or a named key of Fleet:Api:Keys).",
        };
        document.Components.SecuritySchemes[FleetOpenApi.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An Entra ID access token for the fleet's API app (on Azure; docs/security.md).",
        };
        return Task.CompletedTask;
    }
}
