namespace Fleet.Jobs.Claims;

/// <summary>
/// Which job owns which output folder (key 0, one per cluster, persisted). Only job grains call it, at submit; it calls
/// nothing, so no call chain can deadlock. Internal to the fleet: the API never reaches it.
/// </summary>
public interface IOutputClaimGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Claims <paramref name="folder"/> (canonical, ending in '/') for <paramref name="jobKey"/>: null when it is now that
    /// job's (or already was), else the claimed folder it overlaps (the same folder, one above it or one below it).
    /// </summary>
    Task<string?> Claim(string folder, string jobKey);
}
