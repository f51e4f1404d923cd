using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Fleet.Storage;

/// <summary>
/// The storage Fleet itself uses (job manifests, grain state) and the credential it lends to blob URIs
/// of the same account. Built from a connection string (Azurite, or Azure with a key).
/// </summary>
public sealed class StorageAccount
{
    public StorageAccount(string connectionString)
    {
        ConnectionString = connectionString;
        Blobs = new BlobServiceClient(connectionString);
        Tables = new TableServiceClient(connectionString);
    }

    public string ConnectionString { get; }
    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }

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
