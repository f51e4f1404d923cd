namespace Fleet.Api.OpenApi;

/// <summary>
/// The OpenAPI document (GET /openapi/v1.json, and docs/openapi/fleet-api.json written at build): the job and results
/// routes with their response types, and the two credentials a client can send, so a generated client (Python's
/// openapi-python-client, Kiota, ...) knows how to authenticate.
/// </summary>
public static class FleetOpenApi
{
    public const string ApiKeyScheme = "apiKey";
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddFleetOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<DocumentInfoTransformer>();
            o.AddOperationTransformer<CredentialsTransformer>();
        });
}
