using Fleet.Storage.Results;
using Fleet.Storage.Security;

namespace Fleet.Jobs.Finish;

/// <summary>What finishing a job whose shards are all committed decided (<see cref="JobFinisher.FinishAsync"/>).</summary>
public abstract record FinishOutcome
{
    private FinishOutcome()
    {
    }

    /// <summary>_SUCCESS.json is written and the manifests are gone: the job may say Succeeded.</summary>
    public sealed record Succeeded : FinishOutcome;

    /// <summary>Committed shards whose parts are missing from the output (it was deleted): they run again first.</summary>
    public sealed record Reopen(IReadOnlyList<int> Shards) : FinishOutcome;

    /// <summary>The success marker could not be written: the job fails with <see cref="Reason"/>.</summary>
    public sealed record Failed(string Reason) : FinishOutcome
    {
        public static Failed By(Exception e) => new($"could not write {ResultLayout.SuccessMarker}: {SecretRedactor.Text(e.Message)}");
    }
}
