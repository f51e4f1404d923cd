using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Fleet.Storage;

/// <summary>
/// How Fleet signs requests to storage it reaches by service URI: an Entra ID token (DefaultAzureCredential, the
/// managed identity in Azure) or, for Azurite, the account key. Both build the same clients from the same URIs.
/// </summary>
public sealed class StorageCredential
{
    private readonly TokenCredential? _token;
    private readonly string? _accountKey;

    private StorageCredential(TokenCredential? token, string? accountKey)
    {
        _token = token;
        _accountKey = accountKey;
    }

    /// <summary>True when requests carry an Entra ID token.</summary>
    public bool IsTokenCredential => _token is not null;

    /// <summary>Requests carry tokens from <paramref name="token"/>.</summary>
    public static StorageCredential FromToken(TokenCredential token) => new(token, null);

    /// <summary>Requests are signed with the account's key (the account name comes from each service URI).</summary>
    public static StorageCredential FromAccountKey(string accountKey) => new(null, accountKey);

    /// <summary>
    /// The settings' credential: their account key when one is given, else DefaultAzureCredential with the user-assigned
    /// identity named by <see cref="StorageSettings.ManagedIdentityClientId"/> (environment, workload or managed identity,
    /// then developer sign-ins such as <c>az login</c>).
    /// </summary>
    public static StorageCredential For(StorageSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.AccountKey))
            return FromAccountKey(settings.AccountKey);
        var options = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrWhiteSpace(settings.ManagedIdentityClientId))
            options.ManagedIdentityClientId = settings.ManagedIdentityClientId;
        return FromToken(new DefaultAzureCredential(options));
    }

    /// <summary>A blob service client for <paramref name="serviceUri"/> with this credential.</summary>
    public BlobServiceClient CreateBlobServiceClient(Uri serviceUri) =>
        _token is not null
            ? new BlobServiceClient(serviceUri, _token)
            : new BlobServiceClient(serviceUri, new StorageSharedKeyCredential(AccountName(serviceUri), _accountKey!));

    /// <summary>A table service client for <paramref name="serviceUri"/> with this credential.</summary>
    public TableServiceClient CreateTableServiceClient(Uri serviceUri) =>
        _token is not null
            ? new TableServiceClient(serviceUri, _token)
            : new TableServiceClient(serviceUri, new TableSharedKeyCredential(AccountName(serviceUri), _accountKey!));

    // Azure: the first label of the host (account.table.core.windows.net); Azurite's IP-style URIs: the first path segment.
    private static string AccountName(Uri serviceUri) =>
        serviceUri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || serviceUri.IsLoopback
            ? serviceUri.AbsolutePath.Trim('/').Split('/')[0]
            : serviceUri.Host.Split('.')[0];
}
