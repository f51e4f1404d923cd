// The API app: Fleet's HTTP API, an Orleans client that finds the silos' gateways in the membership table and
// reaches them on the internal environment's static IP through the shared VNet. It runs in the external API
// environment: public HTTPS ingress (managed certificate) for users, every /jobs route behind X-Api-Key (the key is
// a Key Vault reference: the API reads it from the vault with its identity, no parameter carries it) or an Entra token.
//
// Like app/silos.bicep, main.bicep provisions it and azd deploys it (azure.yaml `module: app/api`).

@description('Azure region.')
param location string

@description('azd environment name: tags, and the Orleans cluster id shared with the silos.')
param environmentName string

@description('The API image azd built; empty until the first `azd deploy` (then no replica runs).')
param apiImage string = ''

@description('The external API environment id.')
param environmentId string

@description('Registry login server the image comes from.')
param registryServer string

@description('Resource id of the API\'s own managed identity (main.bicep api-identity, never the silos\'): pulls the image, reads the key\'s secret, reads blobs and the membership table.')
param identityId string

@description('Client id of that identity (AZURE_CLIENT_ID: DefaultAzureCredential picks it).')
param identityClientId string

@description('Blob service endpoint of Fleet\'s storage account.')
param blobEndpoint string

@description('Table service endpoint of Fleet\'s storage account (the membership table lists the gateways).')
param tableEndpoint string

@description('Versionless URI of the API key\'s Key Vault secret (modules/keyvault.bicep): a Container Apps secret that follows it.')
param apiKeyUri string

@description('Application Insights connection string: the API\'s server spans, metrics and logs go to Azure Monitor.')
param applicationInsightsConnectionString string

@description('Microsoft Entra ID tenant whose bearer tokens the API accepts beside the key; empty: key only.')
param entraTenantId string = ''

@description('The API app registration\'s client id or api:// URI that tokens must name as audience; empty: key only.')
param entraAudience string = ''

// azd's and main.bicep's placeholder before the first deploy (modules/deployed-image.bicep reads it back from a new app).
var placeholder = 'mcr.microsoft.com/k8se/quickstart:latest'
var deployed = !empty(apiImage) && apiImage != placeholder
var image = deployed ? apiImage : placeholder
// ASP.NET Core images listen on 8080.
var port = 8080

resource api 'Microsoft.App/containerApps@2025-01-01' = {
  name: 'api'
  location: location
  tags: { 'azd-env-name': environmentName, 'azd-service-name': 'api' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'api-key'
          keyVaultUrl: apiKeyUri
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'api'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'Fleet__Api__Key', secretRef: 'api-key' }
            { name: 'Fleet__Client__Clustering', value: 'AzureTable' }
            { name: 'Fleet__Client__ClusterId', value: environmentName }
            { name: 'Fleet__Storage__BlobServiceUri', value: blobEndpoint }
            { name: 'Fleet__Storage__TableServiceUri', value: tableEndpoint }
            { name: 'Fleet__Storage__ManagedIdentityClientId', value: identityClientId }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            // Entra ID sign-in beside the key, on only when both are non-empty (EntraIdOptions.Enabled).
            { name: 'Fleet__Api__EntraId__TenantId', value: entraTenantId }
            { name: 'Fleet__Api__EntraId__Audience', value: entraAudience }
            { name: 'Fleet__Logging__ConsoleFormat', value: 'json' }
            { name: 'OTEL_SERVICE_NAME', value: 'api' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
          ]
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/alive'
                port: port
              }
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/health'
                port: port
              }
            }
          ]
        }
      ]
      scale: {
        minReplicas: deployed ? 1 : 0
        maxReplicas: 3
      }
    }
  }
}

output url string = 'https://${api.properties.configuration.ingress.fqdn}'
