using Azure.Storage.Blobs;

namespace Fleet.Storage.Datasets;

/// <summary>Decides whether an http(s) URI is a blob of the configured account, which is read with the account's credential.</summary>
internal static class AccountBlobs
{
    public static bool TryGet(StorageAccount? account, Uri uri, out BlobClient blob)
    {
        blob = null!;
        if (account is null || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return false;
        BlobLocation location;
        try
        {
            // A #fragment names a tar member, not part of the blob's name (BlobUriBuilder would keep it).
            location = BlobLocation.Parse(uri.Fragment.Length == 0 ? uri : new UriBuilder(uri) { Fragment = "" }.Uri);
        }
        catch (ArgumentException)
        {
            // No container in the path: an ordinary web URL, not a blob.
            return false;
        }
        if (!location.IsIn(account.Blobs.Uri) || location.Prefix.Length == 0)
            return false;
        blob = account.Blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Prefix);
        return true;
    }
}
