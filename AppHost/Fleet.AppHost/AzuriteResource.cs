using Fleet.Development;

namespace Fleet.AppHost;

/// <summary>
/// Azurite as an executable (no container runtime needed): blob, queue and table on ports Aspire allocates,
/// data under ./.fleet/aspire-azurite (or Fleet:AzuriteLocation) so a restarted fleet keeps its jobs.
/// </summary>
public static class AzuriteResource
{
    private const string Account = AzuriteInstance.AccountName;
    private const string Key = AzuriteInstance.AccountKey;

    public static (IResourceBuilder<ExecutableResource> Azurite, ReferenceExpression ConnectionString) AddAzurite(
        this IDistributedApplicationBuilder builder, string repoRoot)
    {
        var location = builder.Configuration["Fleet:AzuriteLocation"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(repoRoot, ".fleet", "aspire-azurite");
        var azurite = builder.AddExecutable("azurite", "node", repoRoot, AzuriteScriptLocator.RelativeScript)
            .WithEndpoint(name: "blob", scheme: "http", isProxied: false)
            .WithEndpoint(name: "queue", scheme: "http", isProxied: false)
            .WithEndpoint(name: "table", scheme: "http", isProxied: false);
        var blob = azurite.GetEndpoint("blob");
        var queue = azurite.GetEndpoint("queue");
        var table = azurite.GetEndpoint("table");
        azurite.WithArgs(context =>
        {
            context.Args.Add("--blobHost");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--blobPort");
            context.Args.Add(blob.Property(EndpointProperty.TargetPort));
            context.Args.Add("--queueHost");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--queuePort");
            context.Args.Add(queue.Property(EndpointProperty.TargetPort));
            context.Args.Add("--tableHost");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--tablePort");
            context.Args.Add(table.Property(EndpointProperty.TargetPort));
            context.Args.Add("--location");
            context.Args.Add(location);
            // Azure.Storage.Blobs 12.30 speaks a newer API version than Azurite 3.37 knows.
            context.Args.Add("--skipApiVersionCheck");
            context.Args.Add("--loose");
            context.Args.Add("--disableProductStyleUrl");
            context.Args.Add("--disableTelemetry");
        });

        var connectionString = ReferenceExpression.Create(
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob.Property(EndpointProperty.Port)}/{Account};" +
            $"QueueEndpoint=http://127.0.0.1:{queue.Property(EndpointProperty.Port)}/{Account};" +
            $"TableEndpoint=http://127.0.0.1:{table.Property(EndpointProperty.Port)}/{Account};");
        return (azurite, connectionString);
    }
}
