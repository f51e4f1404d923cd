using System.Diagnostics.Metrics;
using Polly;

namespace Fleet.Storage.Resilience;

/// <summary>
/// The resilience pipeline for each storage endpoint: the fleet's own account (where the silo keeps its state and shard
/// manifests: retry, circuit breaker, timeout) and each other host a job names (retry and timeout, no breaker: see
/// <see cref="StorageResilience.Build"/>), so a stranger's dead host never opens the fleet account's breaker and never
/// slows another tenant's reads.
/// Only the fleet account's final failures are an outage (<see cref="StorageUnavailableException.IsOutage"/>: the shard goes
/// back, no attempt counted). Any other host's come out as <see cref="ForeignHostUnavailableException"/>, the item's fault.
/// </summary>
public sealed class StoragePipelines
{
    private readonly StorageResilienceOptions _options;
    private readonly Counter<long>? _injectedFaults;
    private readonly Uri? _fleetAccount;

    /// <param name="options">Retries, timeouts and breaker settings, the same shape for every endpoint.</param>
    /// <param name="fleetAccount">The blob service URI of the fleet's own account; null: none (every host is foreign).</param>
    /// <param name="meter">Fleet's meter, for the injected-fault counter.</param>
    public StoragePipelines(StorageResilienceOptions? options = null, Uri? fleetAccount = null, Meter? meter = null)
    {
        _options = options ?? new StorageResilienceOptions();
        _injectedFaults = StorageResilience.InjectedFaults(meter);
        _fleetAccount = fleetAccount;
        Fleet = StorageResilience.Build(_options, _injectedFaults, foreignHost: null);
    }

    /// <summary>The fleet account's pipeline: its breaker is the one that says "storage is down".</summary>
    public ResiliencePipeline Fleet { get; }

    /// <summary>
    /// The pipeline for a call to <paramref name="uri"/>: the fleet account's (and a local file's: the silo's own disk), or one
    /// that names its host. A foreign host's pipeline keeps no state (no breaker), so it is built for the call rather than
    /// kept: a manifest naming a million hosts leaves nothing behind.
    /// </summary>
    public ResiliencePipeline For(Uri uri) =>
        uri.IsFile || IsFleetAccount(uri) ? Fleet : StorageResilience.Build(_options, _injectedFaults, foreignHost: HostOf(uri));

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
}
