using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Fleet.Storage.Security;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Expands every .tar its inner listing yields (a lone tar, a folder or prefix of tars, a manifest of tar URIs) into the
/// tar's WebDataset samples (<see cref="TarSampleReader"/>); every other item passes through unchanged, checkpoint and all.
/// A sample's checkpoint is "tar:{n}" (the n-th sample of the first tar listed) or "tar:{n}\n{c}" (of the tar listed
/// after the inner item whose checkpoint is c): resuming lists the inner dataset after c again, so the tar comes first,
/// and skips its samples up to n.
/// </summary>
public sealed class TarSampleLister(IDatasetLister inner, TarArchiveOpener opener, int maxMembers) : IDatasetLister
{
    private const string CheckpointPrefix = "tar:";

    public IDatasetLister Inner { get; } = inner;

    public string Describe() => Inner.Describe();

    public Task EnsureExistsAsync(CancellationToken cancellationToken) => Inner.EnsureExistsAsync(cancellationToken);

    public async IAsyncEnumerable<DatasetItem> ListAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (inTar, skipThrough, innerResume) = ParseCheckpoint(resumeAfter);
        // The checkpoint of the inner item before the one being listed: a tar's samples resume from it.
        var previous = innerResume;
        var first = true;
        await foreach (var item in Inner.ListAsync(innerResume, cancellationToken).ConfigureAwait(false))
        {
            if (!TarShards.IsTar(item.Uri))
            {
                yield return item;
            }
            else
            {
                var skip = first && inTar ? skipThrough : -1;
                var n = 0;
                await foreach (var sample in SamplesAsync(item, cancellationToken).ConfigureAwait(false))
                {
                    if (n > skip)
                        yield return sample.ToItem(Checkpoint(n, previous));
                    n++;
                }
            }
            previous = item.Checkpoint;
            first = false;
        }
    }

    private async IAsyncEnumerable<TarSampleReader.Sample> SamplesAsync(DatasetItem tar, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (open, failure) = await OpenAsync(tar.Uri, cancellationToken).ConfigureAwait(false);
        if (open is null)
        {
            // A tar that cannot be read is one error row naming it, as an unreadable image is: the others still run.
            yield return new TarSampleReader.Sample($"{DatasetItem.InvalidPrefix}{ItemReader.Display(tar.Uri)}: the tar could not be read: {failure}", null, null);
            yield break;
        }
        await using (open.ConfigureAwait(false))
        {
            await foreach (var sample in TarSampleReader.ReadAsync(open, tar.Uri, tar.Columns, maxMembers, cancellationToken).ConfigureAwait(false))
                yield return sample;
        }
    }

    /// <summary>Failures that retrying cannot fix are the tar's error row; anything else (storage down) stops the listing, which resumes later.</summary>
    private async Task<(TarArchiveOpener.OpenTar? Tar, string? Failure)> OpenAsync(string uri, CancellationToken cancellationToken)
    {
        try
        {
            return (await opener.OpenAsync(new Uri(uri), cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is IntakePolicyException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            || e is RequestFailedException { Status: 404 or 403 or 401 or 416 }
            || e is HttpRequestException { StatusCode: not null } http && (int)http.StatusCode < 500 && (int)http.StatusCode is not (408 or 429))
        {
            return (null, SecretRedactor.Text(e.Message));
        }
    }

    private static string Checkpoint(int sample, string? previous) =>
        previous is null ? $"{CheckpointPrefix}{sample.ToString(CultureInfo.InvariantCulture)}" : $"{CheckpointPrefix}{sample.ToString(CultureInfo.InvariantCulture)}\n{previous}";

    /// <summary>A sample's checkpoint, or an inner item's (passed through as it is).</summary>
    private static (bool InTar, int Sample, string? Inner) ParseCheckpoint(string? checkpoint)
    {
        if (checkpoint is null || !checkpoint.StartsWith(CheckpointPrefix, StringComparison.Ordinal))
            return (false, -1, checkpoint);
        var newline = checkpoint.IndexOf('\n', StringComparison.Ordinal);
        var number = newline < 0 ? checkpoint[CheckpointPrefix.Length..] : checkpoint[CheckpointPrefix.Length..newline];
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var sample))
            return (false, -1, checkpoint); // An inner checkpoint that happens to start the same way.
        return (true, sample, newline < 0 ? null : checkpoint[(newline + 1)..]);
    }
}
