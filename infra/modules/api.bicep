// The API app: Fleet's HTTP API (an Orleans client) on the Consumption profile with external HTTPS ingress. Its key
// is a Container Apps secret the container reads through secretRef, never a plain environment value.

@description('App name (also the Aspire resource name azd deploys to).')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Container Apps environment id.')
param environmentId string

@description('Image to run; azd replaces the placeholder with the image it builds from Fleet.Api.')
param image string

@description('Registry login server the image comes from.')
param registryServer string

@description('Resource id of the managed identity the API runs as.')
param identityId string

@description('Client id of that identity (DefaultAzureCredential picks it).')
param identityClientId string

@description('Table service endpoint of Fleet\'s storage account (the API finds the silos in the membership table).')
param tableEndpoint string

@description('Blob service endpoint of Fleet\'s storage account.')
param blobEndpoint string

@description('Orleans cluster id shared by the silos and the API.')
param clusterId string

@description('The key mutating endpoints require in X-Api-Key (at least 16 characters).')
@secure()
@minLength(16)
param apiKey string

@description('Fewest API replicas.')
@minValue(0)
@maxValue(30)
param minReplicas int = 1

@description('Most API replicas.')
@minValue(1)
@maxValue(30)
param maxReplicas int = 3

@description('Port the API listens on in its container (ASP.NET Core container images default to 8080).')
param port int = 8080

resource api 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': name, 'aspire-resource-name': name })
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
          value: apiKey
        }
      ]
    }
    template: {
      containers: [
        {
          name: name
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'Fleet__Api__Key', secretRef: 'api-key' }
            { name: 'Fleet__Client__Clustering', value: 'AzureTable' }
            { name: 'Fleet__Client__ClusterId', value: clusterId }
            { name: 'Fleet__Storage__BlobServiceUri', value: blobEndpoint }
            { name: 'Fleet__Storage__TableServiceUri', value: tableEndpoint }
            { name: 'Fleet__Storage__ManagedIdentityClientId', value: identityClientId }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
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
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

output name string = api.name
output fqdn string = api.properties.configuration.ingress.fqdn
output url string = 'https://${api.properties.configuration.ingress.fqdn}'
