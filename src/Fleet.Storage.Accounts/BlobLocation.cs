using Azure.Storage.Blobs;

namespace Fleet.Storage;

/// <summary>
/// A container plus an optional name prefix inside it, parsed from a blob URI (Azure or Azurite path style). Parsing
/// checks the URI is canonical first (<see cref="CanonicalUri"/>: no dot segments, encoded separators or user info), so
/// the container and prefix here are the ones a request built from them reaches.
/// </summary>
public sealed record BlobLocation(Uri AccountUri, string Container, string Prefix, Uri ContainerUri)
{
    public static bool LooksLikeBlobUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>The location of <paramref name="uri"/>; <see cref="UnsafeUriException"/> when it is not canonical, an <see cref="ArgumentException"/> when it names no container.</summary>
    public static BlobLocation Parse(Uri uri)
    {
        CanonicalUri.Check(uri);
        var builder = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(builder.BlobContainerName))
            throw new ArgumentException($"'{uri.GetLeftPart(UriPartial.Path)}' names no blob container.", nameof(uri)); // No query: it may hold a SAS.
        var container = builder.BlobContainerName;
        var prefix = builder.BlobName ?? "";
        builder.BlobName = "";
        var containerUri = builder.ToUri();
        builder.BlobContainerName = "";
        builder.Sas = null;
        builder.Query = "";
        return new BlobLocation(builder.ToUri(), container, prefix, containerUri);
    }

    /// <summary>True when this location is in the account whose service URI is given.</summary>
    public bool IsIn(Uri accountUri) =>
        string.Equals(Normalize(AccountUri), Normalize(accountUri), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(Uri uri) => uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
