// Fleet on Azure: `azd up` provisions this (a resource group and everything in it), then builds the api and silo
// images and deploys app/api.bicep and app/silos.bicep with them (azure.yaml). See docs/deploy.md.
targetScope = 'subscription'

@description('azd environment name; names the resource group, seeds every resource name, and is the Orleans cluster id.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource. Serverless GPUs are offered in a few regions only (docs/deploy.md).')
@minLength(1)
param location string

@description('Principal id of whoever runs azd: gets blob data access so `fleet results` works with az login. Empty for none.')
param principalId string = ''

@description('Kind of that principal (azd sets AZURE_PRINCIPAL_TYPE: User for a person, ServicePrincipal for CI).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Serverless GPU the silos run on: NVIDIA T4 (Consumption-GPU-NC8as-T4) or A100 (Consumption-GPU-NC24-A100).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Number of silo apps, one replica and one GPU each (bounded by the subscription\'s serverless GPU quota).')
@minValue(1)
@maxValue(50)
param siloCount int = 2

@description('The key the deployed API requires in X-Api-Key (at least 16 characters); stored as a Container Apps secret.')
@secure()
@minLength(16)
param apiKey string

@description('Microsoft Entra ID tenant whose bearer tokens the API accepts beside the key (FLEET_ENTRA_TENANT_ID); empty: key only.')
param entraTenantId string = ''

@description('The API app registration\'s client id or api:// URI, the audience tokens must name (FLEET_ENTRA_AUDIENCE); empty: key only.')
param entraAudience string = ''

@description('Silo image azd built (SERVICE_SILO_IMAGE_NAME); empty before the first deploy.')
param siloImage string = ''

@description('API image azd built (SERVICE_API_IMAGE_NAME); empty before the first deploy.')
param apiImage string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  workspace: 'log-${token}'
  identity: 'id-fleet-${token}'
  storage: 'st${token}'
  registry: 'cr${token}'
  vnet: 'vnet-${token}'
  environment: 'cae-${token}'
  apiEnvironment: 'cae-api-${token}'
}

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
    userPrincipalType: principalType
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

module network 'modules/network.bicep' = {
  scope: group
  name: 'network'
  params: {
    name: names.vnet
    location: location
    tags: tags
  }
}

module environment 'modules/environment.bicep' = {
  scope: group
  name: 'environment'
  dependsOn: [monitoring]
  params: {
    name: names.environment
    location: location
    tags: tags
    logAnalyticsWorkspaceName: names.workspace
    subnetId: network.outputs.silosSubnetId
    gpuProfileType: gpuProfileType
  }
}

module apiEnvironment 'modules/api-environment.bicep' = {
  scope: group
  name: 'api-environment'
  dependsOn: [monitoring]
  params: {
    name: names.apiEnvironment
    location: location
    tags: tags
    logAnalyticsWorkspaceName: names.workspace
    subnetId: network.outputs.apiSubnetId
  }
}

module privateDns 'modules/private-dns.bicep' = {
  scope: group
  name: 'private-dns'
  params: {
    // The zone is named after the environment's default domain, known only once the environment exists.
    #disable-next-line what-if-short-circuiting
    zoneName: environment.outputs.defaultDomain
    staticIp: environment.outputs.staticIp
    vnetId: network.outputs.id
    tags: tags
  }
}

// The same modules azd deploys with the images it builds (azure.yaml `module:`); here with the images from the azd
// environment, so a later `azd provision` keeps what was deployed.
module silos 'app/silos.bicep' = {
  scope: group
  name: 'silos'
  params: {
    location: location
    environmentName: environmentName
    siloCount: string(siloCount)
    siloImage: siloImage
    gpuProfileType: gpuProfileType
    gpuProfileName: environment.outputs.gpuProfileName
    environmentId: environment.outputs.id
    staticIp: environment.outputs.staticIp
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    otlpEndpoint: environment.outputs.otlpEndpoint
  }
}

module api 'app/api.bicep' = {
  scope: group
  name: 'api'
  params: {
    location: location
    environmentName: environmentName
    apiImage: apiImage
    environmentId: apiEnvironment.outputs.id
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    apiKey: apiKey
    entraTenantId: entraTenantId
    entraAudience: entraAudience
  }
}

// azd writes these into the environment (.azure/<env>/.env); app/*.parameters.json read them at `azd deploy`.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MANAGED_IDENTITY_NAME string = identity.outputs.name
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = identity.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.outputs.defaultDomain
output AZURE_CONTAINER_APPS_ENVIRONMENT_STATIC_IP string = environment.outputs.staticIp
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output FLEET_API_ENVIRONMENT_ID string = apiEnvironment.outputs.id
output FLEET_SILO_COUNT string = string(siloCount)
output FLEET_GPU_PROFILE string = gpuProfileType
output FLEET_GPU_PROFILE_NAME string = environment.outputs.gpuProfileName
output FLEET_OTLP_ENDPOINT string = environment.outputs.otlpEndpoint
output FLEET_SILO_GATEWAYS array = silos.outputs.gatewayEndpoints
output FLEET_API_URL string = api.outputs.url
output FLEET_DASHBOARD_URL string = environment.outputs.dashboardUrl
output FLEET_RESULTS_URI string = '${storage.outputs.blobEndpoint}results/'
