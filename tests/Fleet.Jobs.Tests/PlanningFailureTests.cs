using Fleet.Jobs.Planning;
using Fleet.Storage.Datasets;

namespace Fleet.Jobs.Tests;

public sealed class PlanningFailureTests
{
    [Fact]
    public void An_empty_dataset_is_a_complete_plan_of_nothing_and_its_message_is_the_reason() =>
        Assert.Equal(new PlanningFailure("dataset 'x' holds no images", PlanningComplete: true), PlanningFailure.Of(new EmptyDatasetException("dataset 'x' holds no images")));

    [Fact]
    public void A_missing_dataset_is_the_reason_as_it_stands_and_planning_resumes_later() =>
        Assert.Equal(new PlanningFailure("no such container", PlanningComplete: false), PlanningFailure.Of(new DatasetNotFoundException("no such container")));

    [Fact]
    public void Anything_else_is_planning_that_broke_and_its_sas_is_redacted()
    {
        var failure = PlanningFailure.Of(new IOException("GET https://a.blob.core.windows.net/in?sv=1&sig=c2VjcmV0 timed out"));

        Assert.StartsWith("planning failed: ", failure.Reason);
        Assert.DoesNotContain("c2VjcmV0", failure.Reason);
        Assert.False(failure.PlanningComplete);
    }
}
