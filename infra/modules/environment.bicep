// The silos' Container Apps environment: internal (no public endpoint; one private static IP on an internal load
// balancer), integrated with the VNet, with a serverless GPU profile for the silos, logs to Log Analytics, and the
// Aspire dashboard component the silos send OpenTelemetry to (modules/private-dns.bicep makes its names resolve in
// the VNet).

@description('Environment name.')
param name string

@description('Azure region (serverless GPUs are offered in a few regions only).')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Log Analytics workspace that receives the apps\' logs.')
param logAnalyticsWorkspaceName string

@description('Subnet (delegated to Microsoft.App/environments) the environment lives in.')
param subnetId string

@description('Serverless GPU profile the silos run on: NVIDIA T4 (NC8as) or A100 (NC24).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string

@description('Name the silo apps use to pick the GPU profile.')
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
    // Orleans' supported shape: silos advertise this environment's private static IP with per-app exposed ports.
    vnetConfiguration: {
      infrastructureSubnetId: subnetId
      internal: true
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        // Serverless GPU: billed per second while a replica runs; no node counts to set.
        name: gpuProfileName
        workloadProfileType: gpuProfileType
      }
    ]
  }
}

// The Aspire dashboard as a managed component: the silos' traces, metrics and structured logs show there.
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
output staticIp string = environment.properties.staticIp
output gpuProfileName string = gpuProfileName
// Inside the environment the dashboard component takes OTLP/gRPC under its own name.
output otlpEndpoint string = 'http://${dashboard.name}:18889'
output dashboardUrl string = 'https://${dashboard.name}.ext.${environment.properties.defaultDomain}'
