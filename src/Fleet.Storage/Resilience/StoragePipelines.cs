using System.Diagnostics.Metrics;
using Polly;
using Polly.Registry;

namespace Fleet.Storage.Resilience;

/// <summary>
/// One resilience pipeline (retry, circuit breaker, timeout) per storage endpoint, from Polly's registry: the fleet's own
/// account (where the silo keeps its state and shard manifests) and each other host a job names, so a stranger's dead
/// host opens only its own breaker, never the fleet account's, and never slows another tenant's reads.
/// Only the fleet account's final failures are an outage (<see cref="StorageUnavailableException.IsOutage"/>: the shard goes
/// back, no attempt counted). Any other host's come out as <see cref="ForeignHostUnavailableException"/>, the item's fault.
/// </summary>
public sealed class StoragePipelines : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly StorageResilienceOptions _options;
    private readonly Meter? _meter;
    private readonly Uri? _fleetAccount;

    /// <param name="options">Retries, timeouts and breaker settings, the same shape for every endpoint.</param>
    /// <param name="fleetAccount">The blob service URI of the fleet's own account; null: none (every host is foreign).</param>
    /// <param name="meter">Fleet's meter, for the injected-fault counter.</param>
    public StoragePipelines(StorageResilienceOptions? options = null, Uri? fleetAccount = null, Meter? meter = null)
    {
        _options = options ?? new StorageResilienceOptions();
        _meter = meter;
        _fleetAccount = fleetAccount;
        Fleet = StorageResilience.Create(_options, _meter);
    }

    /// <summary>The fleet account's pipeline: its breaker is the one that says "storage is down".</summary>
    public ResiliencePipeline Fleet { get; }

    /// <summary>
    /// The pipeline for a call to <paramref name="uri"/>: the fleet account's (and a local file's: the silo's own disk), or its
    /// host's own.
    /// </summary>
    public ResiliencePipeline For(Uri uri) =>
        uri.IsFile || IsFleetAccount(uri) ? Fleet : _registry.GetOrAddPipeline(HostOf(uri), (builder, context) =>
            StorageResilience.Configure(builder, _options, _meter, foreignHost: context.PipelineKey));

    /// <summary>True for a blob URI of the fleet's own account.</summary>
    public bool IsFleetAccount(Uri uri)
    {
        if (_fleetAccount is null || uri.IsFile)
            return false;
        try
        {
            return BlobLocation.Parse(uri.Fragment.Length == 0 ? uri : new UriBuilder(uri) { Fragment = "" }.Uri).IsIn(_fleetAccount);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            return false;
        }
    }

    /// <summary>The foreign host an item URI names (<see cref="HostOf"/>); null for a file, the fleet's account or no http(s) URI.</summary>
    public string? ForeignHostOf(string itemUri) =>
        Uri.TryCreate(itemUri, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !IsFleetAccount(uri)
            ? HostOf(uri)
            : null;

    /// <summary>The endpoint a foreign call goes to, as error rows name it: scheme, host and port; no path, query or user info.</summary>
    public static string HostOf(Uri uri) => $"{uri.Scheme}://{uri.Authority}";

    public void Dispose() => _registry.Dispose();
}
