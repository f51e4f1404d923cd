using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Fleet.Storage;

/// <summary>
/// The storage Fleet itself uses (job manifests, grain state, clustering) and the credential it lends to blob URIs
/// of the same account. Built from a connection string (Azurite, or Azure with a key) or from service URIs and a
/// <see cref="StorageCredential"/> (managed identity in Azure).
/// </summary>
public sealed class StorageAccount
{
    public StorageAccount(string connectionString)
        : this(new BlobServiceClient(connectionString), new TableServiceClient(connectionString))
    {
        ConnectionString = connectionString;
    }

    public StorageAccount(BlobServiceClient blobs, TableServiceClient tables)
    {
        Blobs = blobs;
        Tables = tables;
    }

    /// <summary>The connection string this account was built from; null when it was built from service URIs.</summary>
    public string? ConnectionString { get; }

    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }

    /// <summary>
    /// The one place the hosts turn settings into clients: the connection string when given, else the service URIs
    /// with <paramref name="credential"/> (default: <see cref="StorageCredential.For"/> the settings).
    /// </summary>
    public static StorageAccount Create(StorageSettings settings, StorageCredential? credential = null)
    {
        if (settings.Problem is { } problem)
            throw new InvalidOperationException(problem);
        if (settings.UsesConnectionString)
            return new StorageAccount(settings.ConnectionString!);
        credential ??= StorageCredential.For(settings);
        return new StorageAccount(credential.CreateBlobServiceClient(settings.BlobServiceUri!), credential.CreateTableServiceClient(settings.TableServiceUri!));
    }

    /// <summary>A client for a blob URI: with this account's credential when the URI is in this account, else as given (SAS or public).</summary>
    public BlobClient GetBlob(Uri blobUri)
    {
        var location = BlobLocation.Parse(blobUri);
        if (location.IsIn(Blobs.Uri))
            return Blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Prefix);
        return new BlobClient(blobUri);
    }

    /// <summary>A container client for a container/prefix URI, with this account's credential when it is in this account.</summary>
    public BlobContainerClient GetContainer(BlobLocation location)
    {
        if (location.IsIn(Blobs.Uri))
            return Blobs.GetBlobContainerClient(location.Container);
        return new BlobContainerClient(location.ContainerUri);
    }
}
