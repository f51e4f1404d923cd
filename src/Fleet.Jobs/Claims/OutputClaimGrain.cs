namespace Fleet.Jobs.Claims;

/// <summary>
/// A job's output folder, <c>{output}/{job}/</c>, is that job's alone: no other job may write into it or into any folder
/// beneath it, and no job may claim a folder that holds another's. Without this, a job named <c>errors</c> with output
/// <c>{victimOutput}/{victimJob}</c> writes its parts exactly over the victim's <c>errors/part-N</c>. One grain decides
/// every claim in turn, so two submissions cannot both take overlapping folders. A claim lasts as long as the storage:
/// the rows under it stay that job's.
/// </summary>
public sealed class OutputClaimGrain(
    [PersistentState("claims", FleetStorageNames.GrainStorage)] IPersistentState<OutputClaimRecord> state) : Grain, IOutputClaimGrain
{
    public async Task<string?> Claim(string folder, string jobKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!folder.EndsWith('/'))
            throw new ArgumentException("a claimed folder ends in '/'", nameof(folder));
        if (state.State.Claims.TryGetValue(folder, out var holder))
            return holder == jobKey ? null : folder;
        // Linear in the claims: a few microseconds for thousands, and the check is only made at submit.
        foreach (var (claimed, owner) in state.State.Claims)
        {
            if (owner != jobKey && (claimed.StartsWith(folder, StringComparison.Ordinal) || folder.StartsWith(claimed, StringComparison.Ordinal)))
                return claimed;
        }
        state.State.Claims[folder] = jobKey;
        await state.WriteStateAsync();
        return null;
    }
}
