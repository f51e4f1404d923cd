// Log Analytics: where the Container Apps environment sends the apps' console logs (Serilog writes JSON to stdout on
// Azure: Fleet__Logging__ConsoleFormat=json), and Application Insights on the same workspace, where the apps send their
// OpenTelemetry traces, metrics and logs (Azure Monitor distro, APPLICATIONINSIGHTS_CONNECTION_STRING).

@description('Workspace name.')
param name string

@description('Application Insights component name.')
param insightsName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days logs are kept.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Entra-only ingestion would need every exporter to hold a token: the connection string is enough for telemetry.
    DisableLocalAuth: false
  }
}

output id string = workspace.id
output name string = workspace.name
output applicationInsightsConnectionString string = insights.properties.ConnectionString
