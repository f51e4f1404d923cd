using System.Runtime.CompilerServices;

namespace Fleet.Storage.Datasets;

/// <summary>A dataset that is one .tar (a path, file:// or http(s)/blob URI): one item, the tar, which <see cref="TarSampleLister"/> expands.</summary>
public sealed class SingleTarLister(Uri tar, TarArchiveOpener opener) : IDatasetLister
{
    public Uri Tar { get; } = tar;

    public string Describe() => $"{(Tar.IsFile ? Tar.LocalPath : ItemReader.Display(Tar.AbsoluteUri))} (WebDataset tar)";

    public async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var open = await opener.OpenAsync(Tar, cancellationToken).ConfigureAwait(false);
            await open.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or Azure.RequestFailedException { Status: 404 or 403 or 401 } or HttpRequestException { StatusCode: not null })
        {
            throw new DatasetNotFoundException($"tar '{Describe()}' cannot be read: {Security.SecretRedactor.Text(e.Message)}", e);
        }
    }

    public async IAsyncEnumerable<DatasetItem> ListAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (resumeAfter is null)
            yield return new DatasetItem(Tar.AbsoluteUri, "tar");
    }
}
