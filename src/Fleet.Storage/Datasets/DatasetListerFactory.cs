using Fleet.Storage.Limits;
using Fleet.Storage.Samples;
using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Turns a dataset string into its lister: a manifest file (.txt/.jsonl/.csv/.parquet as a path, file:// or http(s) URI), a
/// WebDataset .tar (the same), a folder, a file:// folder, a blob container/prefix URI, or sample:NAME. Every .tar any of
/// them lists is expanded into its samples (<see cref="TarSampleLister"/>). The intake policy decides first whether a job
/// may name it (<see cref="IntakePolicyException"/>); without a policy everything is allowed (a user's own tools).
/// </summary>
public sealed class DatasetListerFactory(StorageAccount? account, SampleDatasetResolver samples, ResiliencePipeline resilience, HttpClient http,
    IntakePolicy? policy = null, ItemLimits? limits = null)
{
    private readonly IntakePolicy _policy = policy ?? IntakePolicy.Unrestricted;
    private readonly TarArchiveOpener _tars = new(account, http, resilience, policy);

    /// <summary>The limits every listing of this factory is held to (the planner holds a job's shards to them too).</summary>
    public ItemLimits Limits { get; } = limits ?? ItemLimits.Default;

    public async Task<IDatasetLister> CreateAsync(string dataset, CancellationToken cancellationToken) =>
        new TarSampleLister(await CreateInnerAsync(dataset, cancellationToken).ConfigureAwait(false), _tars, Limits.MaxTarMembers);

    private async Task<IDatasetLister> CreateInnerAsync(string dataset, CancellationToken cancellationToken)
    {
        // The location the policy checked is the one listed: parsed once, canonical.
        var checkedLocation = _policy.CheckDataset(dataset);
        if (TarShards.IsTar(dataset))
            return new SingleTarLister(Uri.TryCreate(dataset, UriKind.Absolute, out var tar) ? tar : new Uri(Path.GetFullPath(dataset)), _tars);
        if (SampleDatasetResolver.IsSample(dataset))
            return new LocalFolderLister(await samples.ResolveAsync(dataset, cancellationToken).ConfigureAwait(false));
        if (ManifestFileLister.TryLocate(dataset, out var manifest, out var format))
            return new ManifestFileLister(manifest, format, account, http, resilience, Limits);
        if (Uri.TryCreate(dataset, UriKind.Absolute, out var uri) && uri.IsFile)
            return new LocalFolderLister(uri.LocalPath);
        if (BlobLocation.LooksLikeBlobUri(dataset))
        {
            var location = checkedLocation ?? BlobLocation.Parse(new Uri(dataset));
            var container = account is not null && location.IsIn(account.Blobs.Uri)
                ? account.Blobs.GetBlobContainerClient(location.Container)
                : new Azure.Storage.Blobs.BlobContainerClient(location.ContainerUri, _policy.ForeignBlobOptions());
            return new BlobPrefixLister(container, location.Prefix, resilience);
        }
        if (dataset.Contains("://", StringComparison.Ordinal))
            throw new DatasetNotFoundException($"dataset '{SecretRedactor.Uri(dataset)}' has a scheme Fleet cannot read (use a folder, a .txt/.jsonl/.csv/.parquet manifest, a .tar, file://, an http(s):// blob URI or sample:NAME)");
        return new LocalFolderLister(dataset);
    }
}
