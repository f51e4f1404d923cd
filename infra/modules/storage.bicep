// Fleet's storage account: grain state, clustering and reminders (tables), shard manifests, datasets and results
// (blobs). Shared keys are off: the managed identities (and, optionally, the deploying user) get data roles instead.
// The silos' identity writes everything; the API's identity reads blobs (a job's result parts and the photos its rows
// name, for GET /jobs/{id}/rows and /thumbnail) and reaches only the Orleans membership table among the tables.

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the managed identity the silos run as (known before deployment, so it names the role assignments).')
param identityName string

@description('Principal id of the managed identity the silos run as.')
param identityPrincipalId string

@description('Name of the managed identity the API runs as.')
param apiIdentityName string

@description('Principal id of the managed identity the API runs as.')
param apiIdentityPrincipalId string

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

// Built-in data-plane roles (ids are the same in every tenant). The silos' roles sit on the whole account: Orleans
// creates its membership and reminder tables (CreateIfNotExists) and Fleet its state containers on first use. No
// queue role: nothing in Fleet uses queues.
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var blobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// Orleans' Azure Table clustering table (AzureStorageClusteringOptions.DEFAULT_TABLE_NAME), made here so a role can be
// scoped to it. The API's Orleans client reads the gateways from it, but first calls TableClient.CreateIfNotExists
// (AzureTableDataManager.InitTableAsync), which needs Microsoft.Storage/storageAccounts/tableServices/tables/write:
// Storage Table Data Reader lacks it, so the API gets Table Data Contributor on this one table only (never the
// reminders, never grain state). A custom role without entity writes would be tighter, but needs
// roleDefinitions/write from whoever runs azd.
var membershipTable = 'OrleansSiloInstances'

var grants = concat(
  [
    { key: identityName, principalId: identityPrincipalId, principalType: 'ServicePrincipal', roleId: blobDataContributor }
    { key: identityName, principalId: identityPrincipalId, principalType: 'ServicePrincipal', roleId: tableDataContributor }
    // The API reads result parts and dataset photos; it writes no blob.
    { key: apiIdentityName, principalId: apiIdentityPrincipalId, principalType: 'ServicePrincipal', roleId: blobDataReader }
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

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource membership 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: membershipTable
}

resource apiMembership 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: membership
  name: guid(membership.id, apiIdentityName, tableDataContributor)
  properties: {
    principalId: apiIdentityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
