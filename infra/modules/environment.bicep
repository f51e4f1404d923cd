// The Container Apps environment: a Consumption profile for the API, a serverless GPU profile for the silos, logs to
// Log Analytics, and the Aspire dashboard component (the same dashboard `dotnet run --project AppHost/...` shows locally).

@description('Environment name.')
param name string

@description('Azure region (serverless GPUs are offered in a few regions only).')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Log Analytics workspace that receives the apps\' logs.')
param logAnalyticsWorkspaceName string

@description('Serverless GPU profile the silos run on: NVIDIA T4 (NC8as) or A100 (NC24).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string

@description('Name the silo app uses to pick the GPU profile.')
param gpuProfileName string = 'gpu'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        // Serverless GPU: billed per second while a replica runs, scales to zero; no node counts to set.
        name: gpuProfileName
        workloadProfileType: gpuProfileType
      }
    ]
  }
}

// The Aspire dashboard as a managed component: the apps' OpenTelemetry (traces, metrics, structured logs) shows there.
resource dashboard 'Microsoft.App/managedEnvironments/dotNetComponents@2024-10-02-preview' = {
  parent: environment
  name: 'aspire-dashboard'
  properties: {
    componentType: 'AspireDashboard'
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output gpuProfileName string = gpuProfileName
output dashboardUrl string = 'https://${dashboard.name}.ext.${environment.properties.defaultDomain}'
