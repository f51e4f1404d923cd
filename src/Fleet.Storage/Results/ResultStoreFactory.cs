using Fleet.Storage.Security;
using Polly;

namespace Fleet.Storage.Results;

/// <summary>
/// Output string -> store: a blob container URI (with optional prefix) or a local folder. The intake policy decides first
/// whether a job may write there (<see cref="IntakePolicyException"/>); without a policy everything is allowed. With
/// <paramref name="hosts"/> (in silos) a container in another account is written through that account's own pipeline: its
/// failures fail the shard's attempt (<see cref="Resilience.ForeignHostUnavailableException"/>), never look like the fleet's outage.
/// </summary>
public sealed class ResultStoreFactory(StorageAccount? account, ResiliencePipeline resilience, IntakePolicy? policy = null, Resilience.StoragePipelines? hosts = null)
{
    private readonly IntakePolicy _policy = policy ?? IntakePolicy.Unrestricted;

    public IResultStore Create(string output)
    {
        // The location the policy checked is the one written to: parsed once, canonical.
        var checkedLocation = _policy.CheckOutput(output);
        if (BlobLocation.LooksLikeBlobUri(output))
        {
            var location = checkedLocation ?? BlobLocation.Parse(new Uri(output));
            var own = account is not null && location.IsIn(account.Blobs.Uri);
            var container = own
                ? account!.Blobs.GetBlobContainerClient(location.Container)
                : new Azure.Storage.Blobs.BlobContainerClient(location.ContainerUri, _policy.ForeignBlobOptions());
            return new BlobResultStore(container, location.Prefix, own ? resilience : hosts?.For(location.ContainerUri) ?? resilience);
        }
        if (Uri.TryCreate(output, UriKind.Absolute, out var uri) && uri.IsFile)
            return new LocalResultStore(_policy.ResolveLocal(uri.LocalPath, "output", write: true), resilience);
        if (output.Contains("://", StringComparison.Ordinal))
            throw new ArgumentException($"output '{SecretRedactor.Uri(output)}' has a scheme Fleet cannot write (use a folder, file:// or an http(s):// blob container URI)");
        return new LocalResultStore(_policy.ResolveLocal(output, "output", write: true), resilience);
    }
}
