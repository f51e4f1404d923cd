using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Fleet.Storage.Samples;
using Fleet.Storage.Scaling;
using Fleet.Storage.Shards;

namespace Fleet.Storage.Security;

/// <summary>
/// Applies <see cref="IntakeOptions"/> to what a job names: datasets and outputs when it is admitted (a refusal is an
/// <see cref="IntakePolicyException"/>, answered 400), each manifest entry when it is read (an error row of kind
/// <c>policy</c>), and every outbound http(s) connection (<see cref="ConfigureHandler"/>: no redirects, addresses checked
/// at connect time). Thread-safe and immutable.
/// </summary>
public sealed class IntakePolicy
{
    /// <summary>The fleet's own bookkeeping (shard manifests, Orleans grain state) that no job may read or write.</summary>
    public static readonly IReadOnlyList<string> InternalContainers = [ShardManifestStore.DefaultContainer, "grainstate", PendingWorkMarkers.Container];

    private static readonly string[] DefaultSchemes = ["https", "http", "file", "sample"];

    private readonly HashSet<string> _schemes;
    private readonly bool _anyLocalPath;
    private readonly string[] _roots;
    private readonly string[] _readOnlyRoots;
    private readonly HashSet<string> _containers;
    private readonly string[] _hosts;
    private readonly Uri? _ownAccount;

    /// <param name="options">The configured policy.</param>
    /// <param name="ownAccount">The blob service URI of the fleet's own account (its credential is used for it).</param>
    /// <param name="readOnlyRoots">Folders Fleet itself fills (the sample datasets' mirror and cache): readable, never written.</param>
    public IntakePolicy(IntakeOptions options, Uri? ownAccount = null, IEnumerable<string>? readOnlyRoots = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _schemes = new HashSet<string>(options.Schemes.Length == 0 ? DefaultSchemes : options.Schemes.Select(s => s.Trim().TrimEnd(':')), StringComparer.OrdinalIgnoreCase);
        _anyLocalPath = options.AllowAnyLocalPath;
        _roots = [.. options.LocalRoots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(RealPath.Resolve)];
        _readOnlyRoots = [.. (readOnlyRoots ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(RealPath.Resolve)];
        _containers = new HashSet<string>(options.BlobContainers, StringComparer.Ordinal);
        _hosts = [.. options.HttpHosts.Select(h => h.Trim().ToLowerInvariant())];
        _ownAccount = ownAccount;
        Network = new NetworkAddressGuard(options.AllowLoopback, options.AllowPrivateNetworks);
    }

    /// <summary>Everything allowed: for a user's own tools on their own machine (verify, results) and tests of other things.</summary>
    public static IntakePolicy Unrestricted { get; } = new(new IntakeOptions { AllowAnyLocalPath = true, AllowLoopback = true, AllowPrivateNetworks = true });

    public NetworkAddressGuard Network { get; }

    /// <summary>The policy of a host: its options, its own account and the sample folders it fills.</summary>
    public static IntakePolicy For(IntakeOptions options, StorageAccount? account, SampleDatasetOptions? samples) =>
        new(options, account?.Blobs.Uri, samples is null ? null : new[] { samples.MirrorRoot, samples.CacheRoot }.OfType<string>());

    /// <summary>
    /// Throws <see cref="IntakePolicyException"/> unless a job may read the dataset <paramref name="dataset"/>. For an
    /// http(s) URI that names a container, the location checked (canonical, see <see cref="CanonicalUri"/>) is returned:
    /// the one the request must use.
    /// </summary>
    public BlobLocation? CheckDataset(string dataset) => Check(dataset, "dataset", write: false);

    /// <summary>Throws <see cref="IntakePolicyException"/> unless a job may write to <paramref name="output"/>; the checked location as <see cref="CheckDataset"/>.</summary>
    public BlobLocation? CheckOutput(string output) => Check(output, "output", write: true);

    /// <summary>Throws <see cref="IntakePolicyException"/> unless the item (an absolute URI from a listing) may be read.</summary>
    public void CheckItem(Uri item)
    {
        CheckScheme(item.IsFile ? "file" : item.Scheme, item.AbsoluteUri, "item");
        if (item.IsFile)
            ResolveLocal(item.LocalPath, "item", write: false);
        else
            CheckRemote(item, "item", write: false);
    }

    /// <summary>
    /// The real path of a local file or folder a job names (symbolic links resolved), after checking it is under an
    /// allowed root; throws <see cref="IntakePolicyException"/> when it is not.
    /// </summary>
    public string ResolveLocal(string path, string what, bool write)
    {
        if (_anyLocalPath)
            return Path.GetFullPath(path);
        var real = RealPath.Resolve(path);
        var roots = write ? _roots : [.. _roots, .. _readOnlyRoots];
        if (!roots.Any(root => IsUnder(real, root)))
        {
            throw new IntakePolicyException(roots.Length == 0
                ? $"{what} '{path}' is a local path, and this fleet allows none (Fleet:Intake:LocalRoots)"
                : $"{what} '{path}' is outside the folders this fleet allows (Fleet:Intake:LocalRoots)");
        }
        return real;
    }

    /// <summary>No redirects (a redirect could lead anywhere) and every connection's addresses checked as it is made.</summary>
    public void ConfigureHandler(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.AllowAutoRedirect = false;
        handler.ConnectCallback = Network.ConnectAsync;
    }

    /// <summary>A handler for downloads under this policy (the DI client uses <see cref="ConfigureHandler"/> on its own).</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        ConfigureHandler(handler);
        return handler;
    }

    /// <summary>Options for a blob client of another account (SAS or public): its connections go through the same checks.</summary>
    public BlobClientOptions ForeignBlobOptions() => new() { Transport = new HttpClientTransport(CreateHandler()) };

    private BlobLocation? Check(string value, string what, bool write)
    {
        if (SampleDatasetResolver.IsSample(value) && !write)
        {
            CheckScheme("sample", value, what);
            return null;
        }
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && value.Contains("://", StringComparison.Ordinal))
        {
            CheckScheme(uri.IsFile ? "file" : uri.Scheme, value, what);
            if (!uri.IsFile)
                return CheckRemote(uri, what, write);
            ResolveLocal(uri.LocalPath, what, write);
            return null;
        }
        if (value.Contains("://", StringComparison.Ordinal))
            return null; // Not a URI at all: the factories say what is wrong with it.
        CheckScheme("file", value, what);
        ResolveLocal(value, what, write);
        return null;
    }

    private void CheckScheme(string scheme, string value, string what)
    {
        if (!_schemes.Contains(scheme))
            throw new IntakePolicyException($"{what} '{SecretRedactor.Uri(value)}': scheme '{scheme}' is not allowed here (Fleet:Intake:Schemes)");
    }

    /// <summary>The canonical location of an http(s) URI once it passes (null when it names no container), else a refusal.</summary>
    private BlobLocation? CheckRemote(Uri uri, string what, bool write)
    {
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return null; // The factories refuse schemes they cannot read.
        var shown = SecretRedactor.Uri(uri.OriginalString);
        // Canonical first: every decision below is about the location the request will reach.
        if (CanonicalUri.Problem(uri) is { } problem)
            throw new IntakePolicyException($"{what} '{shown}': {problem}");
        var location = TryParse(uri);
        if (_ownAccount is not null && location is not null && location.IsIn(_ownAccount))
        {
            var container = location.Container;
            var allowed = _containers.Count == 0 ? !IsInternal(container) : (_containers.Contains(container) || _containers.Contains("*")) && !IsInternal(container);
            if (!allowed)
                throw new IntakePolicyException($"{what} '{shown}': container '{container}' is not one a job may use (Fleet:Intake:BlobContainers)");
            return location;
        }
        if (_hosts.Length > 0 && !_hosts.Any(h => HostMatches(uri.IdnHost, h)))
            throw new IntakePolicyException($"{what} '{shown}': host '{uri.Host}' is not allowed here (Fleet:Intake:HttpHosts)");
        return location;
    }

    /// <summary>The fleet's own containers, whatever case a URI spells them in.</summary>
    private static bool IsInternal(string container) => InternalContainers.Contains(container, StringComparer.OrdinalIgnoreCase);

    private static BlobLocation? TryParse(Uri uri)
    {
        try
        {
            return BlobLocation.Parse(uri);
        }
        catch (ArgumentException)
        {
            return null; // No container: not a blob URI, and the factories say so.
        }
    }

    private static bool HostMatches(string host, string pattern) =>
        pattern == "*"
        || string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase)
        || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase));

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
