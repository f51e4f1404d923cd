// Fleet on Azure: `azd up` provisions this (a resource group and everything in it), then deploys the AppHost's
// services (silo, api) as container images into the apps it defines. See docs/deploy.md.
targetScope = 'subscription'

@description('azd environment name; names the resource group and seeds every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource. Serverless GPUs are offered in a few regions only (docs/deploy.md).')
@minLength(1)
param location string

@description('Principal id of the user running azd: gets storage data roles so `fleet results` works with az login. Empty for none.')
param principalId string = ''

@description('Serverless GPU the silos run on: NVIDIA T4 (Consumption-GPU-NC8as-T4) or A100 (Consumption-GPU-NC24-A100).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Fewest silo replicas (0: scale to zero when idle).')
@minValue(0)
@maxValue(100)
param siloMinReplicas int = 1

@description('Most silo replicas, one GPU each (also bounded by the subscription\'s serverless GPU quota).')
@minValue(1)
@maxValue(100)
param siloMaxReplicas int = 4

@description('The key the deployed API requires in X-Api-Key (at least 16 characters); stored as a Container Apps secret.')
@secure()
@minLength(16)
param apiKey string

@description('Silo image; azd deploys the image it builds over this placeholder.')
param siloImage string = 'mcr.microsoft.com/k8se/quickstart:latest'

@description('API image; azd deploys the image it builds over this placeholder.')
param apiImage string = 'mcr.microsoft.com/k8se/quickstart:latest'

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
// The GPU profile fixes a replica's CPU and memory: one T4 comes with 8 vCPUs / 56 GiB, one A100 with 24 / 220 GiB.
var names = {
  workspace: 'log-${token}'
  identity: 'id-fleet-${token}'
  storage: 'st${token}'
  registry: 'cr${token}'
  environment: 'cae-${token}'
}
var gpuReplica = gpuProfileType == 'Consumption-GPU-NC24-A100' ? { cpu: 24, memory: '220Gi' } : { cpu: 8, memory: '56Gi' }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  scope: group
  name: 'monitoring'
  params: {
    name: names.workspace
    location: location
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  scope: group
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: group
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    identityName: names.identity
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module registry 'modules/registry.bicep' = {
  scope: group
  name: 'registry'
  params: {
    name: names.registry
    location: location
    tags: tags
    identityName: names.identity
    identityPrincipalId: identity.outputs.principalId
  }
}

module environment 'modules/environment.bicep' = {
  scope: group
  name: 'environment'
  params: {
    name: names.environment
    location: location
    tags: tags
    logAnalyticsWorkspaceName: names.workspace
    gpuProfileType: gpuProfileType
  }
}

module silo 'modules/silo.bicep' = {
  scope: group
  name: 'silo'
  params: {
    name: 'silo'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: environment.outputs.gpuProfileName
    image: siloImage
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    clusterId: environmentName
    minReplicas: siloMinReplicas
    maxReplicas: siloMaxReplicas
    cpu: gpuReplica.cpu
    memory: gpuReplica.memory
  }
}

module api 'modules/api.bicep' = {
  scope: group
  name: 'api'
  params: {
    name: 'api'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    image: apiImage
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    clusterId: environmentName
    apiKey: apiKey
  }
}

// azd reads these into the environment (.azure/<env>/.env); the AZURE_* names are the ones its Aspire deploy expects.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MANAGED_IDENTITY_NAME string = identity.outputs.name
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.name
output AZURE_LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.id
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = identity.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.outputs.defaultDomain
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output FLEET_API_URL string = api.outputs.url
output FLEET_DASHBOARD_URL string = environment.outputs.dashboardUrl
output FLEET_RESULTS_URI string = '${storage.outputs.blobEndpoint}results/'
output FLEET_GPU_PROFILE string = gpuProfileType
