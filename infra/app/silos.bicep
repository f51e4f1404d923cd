// The silos, in the topology Orleans supports on Container Apps: one app per silo, each at most one replica, each with
// its own exposed silo/gateway TCP port pair on the internal environment's private static IP, which the silo
// advertises (Fleet:Silo:AdvertisedIPAddress/AdvertisedSiloPort/AdvertisedGatewayPort) while it binds the same target
// ports in every container. Several replicas of one app would share one address (no per-replica endpoint): unsupported.
//
// Scale to zero: `silo-cpu` (Consumption profile, always one replica) keeps the cluster, its job grains, reminders and
// the API's gateway alive; the GPU silos `silo-0`..`silo-<N-1>` run 0 or 1 replica, by a KEDA azure-blob rule on the
// pending-work container, where the job registry keeps one marker blob per job that wants workers. No job: no GPU
// billed. On scale-in the platform sends SIGTERM; the silo hands its leases back and leaves the cluster (Orleans
// graceful shutdown) within terminationGracePeriodSeconds.
//
// Two callers, one definition: main.bicep at `azd provision`, and azd itself at `azd deploy silo` (azure.yaml
// `module: app/silos`: azd builds this file with silos.parameters.json, after writing SERVICE_SILO_IMAGE_NAME),
// so every silo app gets the new image, not only the one azd would find by its azd-service-name tag.

@description('Azure region.')
param location string

@description('azd environment name: tags, and the Orleans cluster id shared by the silos and the API.')
param environmentName string

@description('Number of GPU silo apps (one GPU each while running; bounded by the subscription\'s serverless GPU quota). A string: azd substitutes parameter files as text.')
param siloCount string

@description('The silo image azd built; empty (or the placeholder) until the first `azd deploy`: then no replica runs, so nothing is billed.')
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

@description('Resource id of the managed identity the silos run as (pulls images, reaches storage, reads the scale rule\'s container).')
param identityId string

@description('Client id of that identity (DefaultAzureCredential picks it).')
param identityClientId string

@description('Blob service endpoint of Fleet\'s storage account.')
param blobEndpoint string

@description('Table service endpoint of Fleet\'s storage account.')
param tableEndpoint string

@description('Fleet\'s storage account name (the scale rule counts blobs in it).')
param storageAccountName string

@description('OTLP endpoint of the Aspire dashboard component.')
param otlpEndpoint string

@description('Application Insights connection string: traces, metrics and logs go to Azure Monitor too.')
param applicationInsightsConnectionString string

var count = int(siloCount)
// azd's and main.bicep's placeholder before the first deploy (modules/deployed-image.bicep reads it back from a new app).
var placeholder = 'mcr.microsoft.com/k8se/quickstart:latest'
var deployed = !empty(siloImage) && siloImage != placeholder
var image = deployed ? siloImage : placeholder
// Target ports every silo binds in its container; exposed ports are unique in the environment (36985 is reserved).
var siloTargetPort = 11111
var gatewayTargetPort = 30000
var probePort = 8080
// The CPU silo's exposed ports sit past every GPU silo's (siloCount is at most 50 in main.bicep).
var cpuSiloIndex = 50
// One replica of a GPU profile comes with fixed CPU and memory: T4 8 vCPUs / 56 GiB, A100 24 / 220 GiB.
var gpuResources = gpuProfileType == 'Consumption-GPU-NC24-A100' ? { cpu: 24, memory: '220Gi' } : { cpu: 8, memory: '56Gi' }
// The job registry's marker blobs (Fleet.Storage PendingWorkMarkers.Container): one per job that wants workers.
var pendingWorkContainer = 'fleet-pending'

// Every silo app, the CPU silo first: what differs between them; the rest is one definition below.
var apps = concat(
  [
    {
      name: 'silo-cpu'
      index: cpuSiloIndex
      profile: 'Consumption'
      resources: { cpu: json('1.0'), memory: '2Gi' }
      device: 'cpu'
      // One shard at a time: it keeps the cluster and makes progress while the GPUs start (minutes), no more.
      capacity: '1'
      minReplicas: deployed ? 1 : 0
      rules: []
      tags: {}
    }
  ],
  map(range(0, count), i => {
    name: 'silo-${i}'
    index: i
    profile: gpuProfileName
    resources: gpuResources
    // CUDA or no work: a GPU silo whose CUDA provider did not load takes no lease (it stays in the cluster).
    device: 'cuda'
    // Fleet:Worker's default (half the cores, at least 2).
    capacity: '0'
    minReplicas: 0
    rules: deployed
      ? [
          {
            // Any marker (activation at 0 blobs): one replica; none for the cooldown: back to zero.
            name: 'pending-jobs'
            custom: {
              type: 'azure-blob'
              metadata: {
                accountName: storageAccountName
                blobContainerName: pendingWorkContainer
                blobCount: '1'
                activationBlobCount: '0'
              }
              identity: identityId
            }
          }
        ]
      : []
    // azd finds a service's app by this tag and wants exactly one; silo-0 carries it, this module updates them all.
    tags: i == 0 ? { 'azd-service-name': 'silo' } : {}
  })
)

// One app at a time (Orleans' Container Apps guide: revisions of one silo must not overlap, and a deploy must not need
// twice the GPU quota): each waits for the one before it to be provisioned.
@batchSize(1)
resource silos 'Microsoft.App/containerApps@2025-01-01' = [
  for app in apps: {
    name: app.name
    location: location
    tags: union({ 'azd-env-name': environmentName, 'fleet-role': 'silo' }, app.tags)
    identity: {
      type: 'UserAssigned'
      userAssignedIdentities: {
        '${identityId}': {}
      }
    }
    properties: {
      environmentId: environmentId
      workloadProfileName: app.profile
      configuration: {
        activeRevisionsMode: 'Single'
        // external: reachable at the environment boundary, which is private (internal environment): the VNet only.
        ingress: {
          external: true
          transport: 'tcp'
          targetPort: siloTargetPort
          exposedPort: siloTargetPort + app.index
          additionalPortMappings: [
            {
              external: true
              targetPort: gatewayTargetPort
              exposedPort: gatewayTargetPort + app.index
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
        // Measured: a silo stops in about 0.3 s on SIGTERM against Azurite with no work, and hands back its leases and
        // leaves in the drill's scale-in scenario (docs/reliability.md); against Azure storage it takes longer, the
        // .NET host allows 30 s, the platform 60 before SIGKILL.
        terminationGracePeriodSeconds: 60
        containers: [
          {
            name: 'silo'
            image: image
            resources: {
              cpu: app.resources.cpu
              memory: app.resources.memory
            }
            env: [
              { name: 'Fleet__Silo__Clustering', value: 'AzureTable' }
              { name: 'Fleet__Silo__ClusterId', value: environmentName }
              { name: 'Fleet__Silo__Name', value: app.name }
              { name: 'Fleet__Silo__AdvertisedIPAddress', value: staticIp }
              { name: 'Fleet__Silo__SiloPort', value: string(siloTargetPort) }
              { name: 'Fleet__Silo__GatewayPort', value: string(gatewayTargetPort) }
              { name: 'Fleet__Silo__AdvertisedSiloPort', value: string(siloTargetPort + app.index) }
              { name: 'Fleet__Silo__AdvertisedGatewayPort', value: string(gatewayTargetPort + app.index) }
              { name: 'Fleet__Storage__BlobServiceUri', value: blobEndpoint }
              { name: 'Fleet__Storage__TableServiceUri', value: tableEndpoint }
              { name: 'Fleet__Storage__ManagedIdentityClientId', value: identityClientId }
              { name: 'AZURE_CLIENT_ID', value: identityClientId }
              // The classifier is the catalog's choice for "auto" on this device (classifier-cuda on CUDA), all in the image.
              { name: 'Fleet__Inference__Device', value: app.device }
              { name: 'Fleet__Worker__Capacity', value: app.capacity }
              { name: 'Fleet__Logging__ConsoleFormat', value: 'json' }
              { name: 'ASPNETCORE_HTTP_PORTS', value: string(probePort) }
              { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: otlpEndpoint }
              { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' }
              { name: 'OTEL_SERVICE_NAME', value: 'silo' }
              { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'service.instance.id=${app.name}' }
              { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
            ]
            probes: [
              {
                // Up to 5 minutes for the image's first start on a GPU node.
                type: 'Startup'
                httpGet: {
                  path: '/alive'
                  port: probePort
                }
                periodSeconds: 10
                failureThreshold: 30
              }
              {
                // The silo port answers. Never the models or CUDA (/health): a replica that is not ready leaves the
                // ingress, and a silo that joined the cluster but cannot be reached is voted dead by its peers. The
                // worker waits for the models itself (Fleet.Hosting InferenceReadiness).
                type: 'Readiness'
                tcpSocket: {
                  port: siloTargetPort
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
          minReplicas: app.minReplicas
          maxReplicas: 1
          // KEDA's cooldown after the last marker goes: five minutes of idle GPU, then zero.
          cooldownPeriod: 300
          pollingInterval: 30
          rules: app.rules
        }
      }
    }
  }
]

output names string[] = [for (app, i) in apps: silos[i].name]
output gatewayEndpoints string[] = [for app in apps: '${staticIp}:${gatewayTargetPort + app.index}']
