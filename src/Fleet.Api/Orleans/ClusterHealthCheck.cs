using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Api.Orleans;

/// <summary>
/// The API is ready when its Orleans client reaches the cluster: one grain call (the management grain's list of active
/// silos) through a gateway, bounded, so /health says whether POST /jobs could reach a job grain now.
/// </summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silos = await client.GetGrain<IManagementGrain>(0).GetHosts(true, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"{silos.Count} active silo{(silos.Count == 1 ? "" : "s")}")
                : HealthCheckResult.Unhealthy("the cluster has no active silo");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the Orleans cluster did not answer: {e.GetType().Name}", e);
        }
    }
}
