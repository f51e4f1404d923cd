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

@description('Number of GPU silo apps, each 0 or 1 replica with one GPU (bounded by the subscription\'s serverless GPU quota); a CPU silo keeps the cluster besides.')
@minValue(1)
@maxValue(50)
param siloCount int = 2

@description('The key the deployed API requires in X-Api-Key: azd passes the one kept in Key Vault, or a new random one before the vault exists (main.parameters.json, secretOrRandomPassword). Never prompted.')
@secure()
@minLength(15)
param apiKey string

@description('The vault azd read the key from (AZURE_KEY_VAULT_NAME, an output of the last provision); empty when azd did not know it, so the key was made up.')
param keyVaultName string = ''

@description('Microsoft Entra ID tenant whose bearer tokens the API accepts beside the key (FLEET_ENTRA_TENANT_ID); empty: key only.')
param entraTenantId string = ''

@description('The API app registration\'s client id or api:// URI, the audience tokens must name (FLEET_ENTRA_AUDIENCE); empty: key only.')
param entraAudience string = ''

@description('Whether the silo service\'s app exists (azd sets SERVICE_SILO_RESOURCE_EXISTS before provisioning): its image is kept.')
param siloExists bool = false

@description('Whether the API service\'s app exists (SERVICE_API_RESOURCE_EXISTS): its image is kept.')
param apiExists bool = false

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  workspace: 'log-${token}'
  identity: 'id-fleet-${token}'
  apiIdentity: 'id-fleet-api-${token}'
  storage: 'st${token}'
  registry: 'cr${token}'
  vnet: 'vnet-${token}'
  environment: 'cae-${token}'
  apiEnvironment: 'cae-api-${token}'
  insights: 'appi-${token}'
  vault: 'kv-${token}'
}
// azd's secretOrRandomPassword makes 15 letters and digits; the API wants 16 or more, so a new key gets a suffix
// derived from it. The vault keeps the result, so the next provision passes it back as it is.
var fleetApiKey = length(apiKey) >= 16 ? apiKey : '${apiKey}${uniqueString(apiKey)}'
// A key made up while the fleet exists and azd did not know the vault (a second machine before `azd env refresh`)
// would rotate the deployed key: then the vault keeps the one it has.
var keepDeployedKey = apiExists && empty(keyVaultName)

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
    insightsName: names.insights
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

// The API's own identity: blob reads, the membership table, AcrPull and the API key's secret; never a blob write.
module apiIdentity 'modules/identity.bicep' = {
  scope: group
  name: 'api-identity'
  params: {
    name: names.apiIdentity
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
    apiIdentityName: names.apiIdentity
    apiIdentityPrincipalId: apiIdentity.outputs.principalId
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
    pullers: [
      { name: names.identity, principalId: identity.outputs.principalId }
      { name: names.apiIdentity, principalId: apiIdentity.outputs.principalId }
    ]
  }
}

module vault 'modules/keyvault.bicep' = {
  scope: group
  name: 'keyvault'
  params: {
    name: names.vault
    location: location
    tags: tags
    apiKey: fleetApiKey
    writeApiKey: !keepDeployedKey
    identityName: names.apiIdentity
    identityPrincipalId: apiIdentity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

// What each service's app runs now (nothing before the first deploy, or after `azd down`: never a stale image name).
module siloImage 'modules/deployed-image.bicep' = {
  scope: group
  name: 'silo-image'
  params: {
    exists: siloExists
    name: 'silo-0'
  }
}

module apiImage 'modules/deployed-image.bicep' = {
  scope: group
  name: 'api-image'
  params: {
    exists: apiExists
    name: 'api'
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

// The same modules azd deploys with the images it builds (azure.yaml `module:`); here with the images the apps run now
// (modules/deployed-image.bicep), so a later `azd provision` keeps what was deployed.
module silos 'app/silos.bicep' = {
  scope: group
  name: 'silos'
  params: {
    location: location
    environmentName: environmentName
    siloCount: string(siloCount)
    siloImage: siloImage.outputs.image
    gpuProfileType: gpuProfileType
    gpuProfileName: environment.outputs.gpuProfileName
    environmentId: environment.outputs.id
    staticIp: environment.outputs.staticIp
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    storageAccountName: storage.outputs.name
    otlpEndpoint: environment.outputs.otlpEndpoint
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
  }
}

module api 'app/api.bicep' = {
  scope: group
  name: 'api'
  params: {
    location: location
    environmentName: environmentName
    apiImage: apiImage.outputs.image
    environmentId: apiEnvironment.outputs.id
    registryServer: registry.outputs.loginServer
    identityId: apiIdentity.outputs.id
    identityClientId: apiIdentity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    apiKeyUri: vault.outputs.apiKeyUri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
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
output FLEET_API_IDENTITY_ID string = apiIdentity.outputs.id
output FLEET_API_IDENTITY_CLIENT_ID string = apiIdentity.outputs.clientId
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = identity.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.outputs.defaultDomain
output AZURE_CONTAINER_APPS_ENVIRONMENT_STATIC_IP string = environment.outputs.staticIp
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output FLEET_API_KEY_URI string = vault.outputs.apiKeyUri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
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
