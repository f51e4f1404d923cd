namespace Fleet.AppHost;

/// <summary>
/// Publish mode (azd): the services reach the Storage account that infra/main.bicep provisions through its service
/// URIs and the user-assigned managed identity, never a key. The values are Aspire parameters that mirror the Bicep
/// outputs AZURE_STORAGE_BLOB_ENDPOINT, AZURE_STORAGE_TABLE_ENDPOINT and MANAGED_IDENTITY_CLIENT_ID.
/// </summary>
public static class AzureStorageSettings
{
    public static IResourceBuilder<T> WithAzureStorage<T>(this IResourceBuilder<T> resource,
        IResourceBuilder<ParameterResource> blobEndpoint, IResourceBuilder<ParameterResource> tableEndpoint,
        IResourceBuilder<ParameterResource> identityClientId)
        where T : IResourceWithEnvironment =>
        resource
            .WithEnvironment("Fleet__Storage__BlobServiceUri", blobEndpoint)
            .WithEnvironment("Fleet__Storage__TableServiceUri", tableEndpoint)
            .WithEnvironment("Fleet__Storage__ManagedIdentityClientId", identityClientId)
            .WithEnvironment("AZURE_CLIENT_ID", identityClientId);

    public static (IResourceBuilder<ParameterResource> Blob, IResourceBuilder<ParameterResource> Table, IResourceBuilder<ParameterResource> ClientId)
        AddAzureStorageParameters(this IDistributedApplicationBuilder builder) =>
        (builder.AddParameter("storage-blob-endpoint"),
         builder.AddParameter("storage-table-endpoint"),
         builder.AddParameter("managed-identity-client-id"));
}
