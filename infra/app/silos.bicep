// The silos, in the topology Orleans supports on Container Apps: `siloCount` apps, each exactly one replica, each
// with its own exposed silo/gateway TCP port pair on the internal environment's private static IP, which the silo
// advertises (Fleet:Silo:AdvertisedIPAddress/AdvertisedSiloPort/AdvertisedGatewayPort) while it binds the same target
// ports in every container. Several replicas of one app would share one address (no per-replica endpoint): unsupported.
//
// Two callers, one definition: main.bicep at `azd provision`, and azd itself at `azd deploy silo` (azure.yaml
// `module: app/silos`: azd builds this file with silos.parameters.json, after writing SERVICE_SILO_IMAGE_NAME),
// so every silo app gets the new image, not only the one azd would find by its azd-service-name tag.

@description('Azure region.')
param location string

@description('azd environment name: tags, and the Orleans cluster id shared by the silos and the API.')
param environmentName string

@description('Number of silo apps (one GPU each; bounded by the subscription\'s serverless GPU quota). A string: azd substitutes parameter files as text.')
param siloCount string

@description('The silo image azd built; empty until the first `azd deploy` (then no replica runs, so no GPU is billed).')
param siloImage string = ''

@description('Serverless GPU type; fixes each replica\'s CPU and memory.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string

@description('Workload profile name of the GPU profile in the environment.')
param gpuProfileName string = 'gpu'

@description('Internal Container Apps environment id.')
param environmentId string

@description('The environment\'s private static IP: every silo advertises it.')
param staticIp string

@description('Registry login server the image comes from.')
param registryServer string

@description('Resource id of the managed identity the silos run as (pulls images, reaches storage).')
param identityId string

@description('Client id of that identity (DefaultAzureCredential picks it).')
param identityClientId string

@description('Blob service endpoint of Fleet\'s storage account.')
param blobEndpoint string

@description('Table service endpoint of Fleet\'s storage account.')
param tableEndpoint string

@description('OTLP endpoint of the Aspire dashboard component.')
param otlpEndpoint string

var count = int(siloCount)
var deployed = !empty(siloImage)
// The placeholder never runs (0 replicas until deployed): nothing is billed on the GPU profile and no probe fails.
var image = deployed ? siloImage : 'mcr.microsoft.com/k8se/quickstart:latest'
// Target ports every silo binds in its container; exposed ports are unique in the environment (36985 is reserved).
var siloTargetPort = 11111
var gatewayTargetPort = 30000
var probePort = 8080
// One replica of a GPU profile comes with fixed CPU and memory: T4 8 vCPUs / 56 GiB, A100 24 / 220 GiB.
var resources = gpuProfileType == 'Consumption-GPU-NC24-A100' ? { cpu: 24, memory: '220Gi' } : { cpu: 8, memory: '56Gi' }

resource silos 'Microsoft.App/containerApps@2024-03-01' = [
  for i in range(0, count): {
    name: 'silo-${i}'
    location: location
    // azd finds a service's app by this tag and wants exactly one; silo-0 carries it, this module updates them all.
    tags: union({ 'azd-env-name': environmentName, 'fleet-role': 'silo' }, i == 0 ? { 'azd-service-name': 'silo' } : {})
    identity: {
      type: 'UserAssigned'
      userAssignedIdentities: {
        '${identityId}': {}
      }
    }
    properties: {
      environmentId: environmentId
      workloadProfileName: gpuProfileName
      configuration: {
        activeRevisionsMode: 'Single'
        // external: reachable at the environment boundary, which is private (internal environment): the VNet only.
        ingress: {
          external: true
          transport: 'tcp'
          targetPort: siloTargetPort
          exposedPort: siloTargetPort + i
          additionalPortMappings: [
            {
              external: true
              targetPort: gatewayTargetPort
              exposedPort: gatewayTargetPort + i
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
        // Measured: a silo stops in about 0.3 s on SIGTERM against Azurite (docs/deploy.md); returning leases and
        // leaving membership against Azure storage takes longer, the .NET host allows 30 s, the platform 60.
        terminationGracePeriodSeconds: 60
        containers: [
          {
            name: 'silo'
            image: image
            resources: {
              cpu: resources.cpu
              memory: resources.memory
            }
            env: [
              { name: 'Fleet__Silo__Clustering', value: 'AzureTable' }
              { name: 'Fleet__Silo__ClusterId', value: environmentName }
              { name: 'Fleet__Silo__Name', value: 'silo-${i}' }
              { name: 'Fleet__Silo__AdvertisedIPAddress', value: staticIp }
              { name: 'Fleet__Silo__SiloPort', value: string(siloTargetPort) }
              { name: 'Fleet__Silo__GatewayPort', value: string(gatewayTargetPort) }
              { name: 'Fleet__Silo__AdvertisedSiloPort', value: string(siloTargetPort + i) }
              { name: 'Fleet__Silo__AdvertisedGatewayPort', value: string(gatewayTargetPort + i) }
              { name: 'Fleet__Storage__BlobServiceUri', value: blobEndpoint }
              { name: 'Fleet__Storage__TableServiceUri', value: tableEndpoint }
              { name: 'Fleet__Storage__ManagedIdentityClientId', value: identityClientId }
              { name: 'AZURE_CLIENT_ID', value: identityClientId }
              // CUDA or not ready: a GPU silo that fell back to its CPU must not take work.
              { name: 'Fleet__Inference__Device', value: 'cuda' }
              // The int8 model's QLinear ops have no CUDA kernels; its float twin runs on the GPU (models/catalog.json).
              { name: 'Fleet__Inference__Classifier', value: 'mobilenetv2-12-float' }
              { name: 'ASPNETCORE_HTTP_PORTS', value: string(probePort) }
              { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: otlpEndpoint }
              { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' }
              { name: 'OTEL_SERVICE_NAME', value: 'silo' }
              { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'service.instance.id=silo-${i}' }
            ]
            probes: [
              {
                // Up to 5 minutes for the image's first start on a GPU node and the models' sha256 check.
                type: 'Startup'
                httpGet: {
                  path: '/alive'
                  port: probePort
                }
                periodSeconds: 10
                failureThreshold: 30
              }
              {
                // Models loaded on CUDA.
                type: 'Readiness'
                httpGet: {
                  path: '/health'
                  port: probePort
                }
                periodSeconds: 10
                failureThreshold: 3
              }
              {
                // The process only: never storage or another silo, so a shared outage restarts nothing.
                type: 'Liveness'
                httpGet: {
                  path: '/alive'
                  port: probePort
                }
                periodSeconds: 15
                failureThreshold: 4
              }
            ]
          }
        ]
        scale: {
          minReplicas: deployed ? 1 : 0
          maxReplicas: 1
        }
      }
    }
  }
]

output names string[] = [for i in range(0, count): silos[i].name]
output gatewayEndpoints string[] = [for i in range(0, count): '${staticIp}:${gatewayTargetPort + i}']
