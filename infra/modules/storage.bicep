// Fleet's storage account: grain state, clustering and reminders (tables), shard manifests, datasets and results
// (blobs). Shared keys are off: the managed identity (and, optionally, the deploying user) get data roles instead.

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the managed identity the apps run as (known before deployment, so it names the role assignments).')
param identityName string

@description('Principal id of the managed identity the apps run as.')
param identityPrincipalId string

@description('Principal id of the user running azd (gets the same data roles, so `fleet results` works with az login); empty for none.')
param userPrincipalId string = ''

@description('Blob containers to create up front (Fleet creates its own state containers on first use).')
param containers string[] = [
  'datasets'
  'results'
]

// Built-in data-plane roles (ids are the same in every tenant).
var roles = {
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
}

var grants = concat(
  map(items(roles), role => { key: identityName, principalId: identityPrincipalId, principalType: 'ServicePrincipal', roleId: role.value }),
  empty(userPrincipalId) ? [] : map(items(roles), role => { key: userPrincipalId, principalId: userPrincipalId, principalType: 'User', roleId: role.value })
)

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in grants: {
    scope: account
    name: guid(account.id, grant.key, grant.roleId)
    properties: {
      principalId: grant.principalId
      principalType: grant.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
    }
  }
]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
