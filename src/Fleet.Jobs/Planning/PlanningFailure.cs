using Fleet.Storage.Datasets;
using Fleet.Storage.Security;

namespace Fleet.Jobs.Planning;

/// <summary>
/// How planning's failure fails the job: the reason users read (redacted), and whether the plan counts as complete (an
/// empty dataset is a complete plan of nothing; anything else resumes planning where it stopped).
/// </summary>
public sealed record PlanningFailure(string Reason, bool PlanningComplete)
{
    public static PlanningFailure Of(Exception e)
    {
        var message = SecretRedactor.Text(e.Message);
        // The dataset's own problems are the reason as they stand; anything else is planning that broke.
        var reason = e is DatasetNotFoundException or EmptyDatasetException ? message : $"planning failed: {message}";
        return new PlanningFailure(reason, PlanningComplete: e is EmptyDatasetException);
    }
}
