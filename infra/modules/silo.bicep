// The silo app: Orleans silos on the GPU profile. Silos find each other (and the API finds them) through the
// membership table in storage and talk replica to replica on the silo port; the gateway port serves Orleans clients.

@description('App name (also the Aspire resource name azd deploys to).')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Container Apps environment id.')
param environmentId string

@description('Workload profile the silos run on (the GPU profile).')
param workloadProfileName string

@description('Image to run; azd replaces the placeholder with the image it builds from Fleet.Silo.')
param image string

@description('Registry login server the image comes from.')
param registryServer string

@description('Resource id of the managed identity the silos run as.')
param identityId string

@description('Client id of that identity (DefaultAzureCredential picks it).')
param identityClientId string

@description('Blob service endpoint of Fleet\'s storage account.')
param blobEndpoint string

@description('Table service endpoint of Fleet\'s storage account.')
param tableEndpoint string

@description('Orleans cluster id shared by the silos and the API.')
param clusterId string

@description('Fewest silo replicas (0 lets the GPU profile scale to zero when idle; then the first job waits for a cold start).')
@minValue(0)
@maxValue(100)
param minReplicas int

@description('Most silo replicas (each is one GPU).')
@minValue(1)
@maxValue(100)
param maxReplicas int

@description('vCPUs per replica (the GPU profile fixes them: 8 on T4, 24 on A100).')
param cpu int

@description('Memory per replica (56Gi on T4, 220Gi on A100).')
param memory string

@description('Orleans silo-to-silo port.')
param siloPort int = 11111

@description('Orleans gateway port (clients: the API).')
param gatewayPort int = 30000

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
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
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      // Internal TCP ingress: the silo and gateway ports are reachable inside the environment only.
      ingress: {
        external: false
        transport: 'tcp'
        targetPort: siloPort
        exposedPort: siloPort
        additionalPortMappings: [
          {
            external: false
            targetPort: gatewayPort
            exposedPort: gatewayPort
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: name
          image: image
          resources: {
            cpu: cpu
            memory: memory
          }
          env: [
            { name: 'Fleet__Silo__Clustering', value: 'AzureTable' }
            { name: 'Fleet__Silo__ClusterId', value: clusterId }
            { name: 'Fleet__Silo__SiloPort', value: string(siloPort) }
            { name: 'Fleet__Silo__GatewayPort', value: string(gatewayPort) }
            { name: 'Fleet__Storage__BlobServiceUri', value: blobEndpoint }
            { name: 'Fleet__Storage__TableServiceUri', value: tableEndpoint }
            { name: 'Fleet__Storage__ManagedIdentityClientId', value: identityClientId }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'Fleet__Inference__Device', value: 'cuda' }
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

output name string = silo.name
