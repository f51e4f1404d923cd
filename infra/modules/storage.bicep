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

@description('Principal id of whoever runs azd (gets blob data access only, so `fleet results` and dataset uploads work with az login); empty for none.')
param userPrincipalId string = ''

@description('Kind of that principal: a person (User) or CI (ServicePrincipal); azd sets AZURE_PRINCIPAL_TYPE.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param userPrincipalType string = 'User'

@description('Blob containers to create up front (Fleet creates its own state containers on first use; the GPU silos\' scale rule counts blobs in fleet-pending, which must exist before the first job).')
param containers string[] = [
  'datasets'
  'results'
  'fleet-pending'
]

// Built-in data-plane roles (ids are the same in every tenant), on this account only. Account scope, not per table
// or container: Orleans creates its membership and reminder tables (CreateIfNotExists) and Fleet its state
// containers on first use. No queue role: nothing in Fleet uses queues.
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

var grants = concat(
  [
    { key: identityName, principalId: identityPrincipalId, principalType: 'ServicePrincipal', roleId: blobDataContributor }
    { key: identityName, principalId: identityPrincipalId, principalType: 'ServicePrincipal', roleId: tableDataContributor }
  ],
  // The person (or CI) running azd reads results and uploads datasets: blobs only, never the cluster's tables.
  empty(userPrincipalId) ? [] : [{ key: userPrincipalId, principalId: userPrincipalId, principalType: userPrincipalType, roleId: blobDataContributor }]
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
