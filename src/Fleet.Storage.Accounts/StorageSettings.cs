namespace Fleet.Storage;

/// <summary>
/// Where Fleet's own storage is (bound from <c>Fleet:Storage</c>): either a connection string (Azurite, or an account
/// that allows shared keys) or the account's service URIs, reached with an Entra ID token (managed identity in Azure).
/// </summary>
public sealed record StorageSettings
{
    /// <summary>The configuration section these settings bind from.</summary>
    public const string SectionName = "Fleet:Storage";

    /// <summary>A storage connection string; when set it wins over the service URIs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service, e.g. <c>https://account.blob.core.windows.net/</c> (Azurite: <c>http://127.0.0.1:10000/devstoreaccount1</c>).</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The table service, e.g. <c>https://account.table.core.windows.net/</c>; clustering and reminders live there.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The client id of the user-assigned managed identity to use; null lets DefaultAzureCredential choose.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Signs identity-style requests with this account key instead of an Entra ID token: for Azurite, which has no
    /// Entra ID, and for tests. Never set in Azure, where the account refuses shared keys.
    /// </summary>
    public string? AccountKey { get; set; }

    /// <summary>True when a connection string is given.</summary>
    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>True when there is enough to reach storage one way or the other.</summary>
    public bool IsConfigured => UsesConnectionString || (BlobServiceUri is not null && TableServiceUri is not null);

    /// <summary>What is missing, for a start-up error that says how to fix it; null when configured.</summary>
    public string? Problem =>
        IsConfigured ? null
        : BlobServiceUri is null && TableServiceUri is null
            ? $"no storage is configured: set FLEET_STORAGE or {SectionName}:ConnectionString (a connection string), or {SectionName}:BlobServiceUri and {SectionName}:TableServiceUri"
            : $"{SectionName}:{(BlobServiceUri is null ? nameof(BlobServiceUri) : nameof(TableServiceUri))} is missing: identity-based storage needs both service URIs";
}
