// The API's Container Apps environment: external (public HTTPS ingress with a managed certificate), integrated with
// the same VNet, so the API (an Orleans client) reaches every silo gateway on the internal environment's static IP.
// The silos' environment stays internal, as Orleans' Container Apps guide requires.

@description('Environment name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Log Analytics workspace that receives the API\'s logs.')
param logAnalyticsWorkspaceName string

@description('Subnet (delegated to Microsoft.App/environments) the environment lives in.')
param subnetId string

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
    vnetConfiguration: {
      infrastructureSubnetId: subnetId
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

output id string = environment.id
output name string = environment.name
