// The API key's one durable home. azd reads it back at every `azd provision`, from any machine (main.parameters.json:
// `$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} fleet-api-key)`: the vault's secret when there is one, a new random
// key only when there is no vault yet), and this module writes the value it was given, so the key never changes by
// itself. The API reads it from here (a Key Vault reference in its Container Apps secret), never from a parameter file.

@description('Key Vault name (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('The key every /jobs route requires in X-Api-Key (main.bicep makes it at least 16 characters).')
@secure()
param apiKey string

@description('False keeps the secret the vault has (the key was made up on a machine that did not know the vault).')
param writeApiKey bool = true

@description('Name of the managed identity the API runs as (known before deployment, so it names the role assignments).')
param identityName string

@description('Principal id of the managed identity the API runs as: reads the secret for the API app (the silos never read it).')
param identityPrincipalId string

@description('Principal id of whoever runs azd: reads the secret back at the next provision (secretOrRandomPassword) and for `fleet submit`; empty for none.')
param userPrincipalId string = ''

@description('Kind of that principal: a person (User) or CI (ServicePrincipal); azd sets AZURE_PRINCIPAL_TYPE.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param userPrincipalType string = 'User'

// Key Vault Secrets User: read secret values, nothing else (same id in every tenant).
var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretName = 'fleet-api-key'

var readers = concat(
  [{ key: identityName, principalId: identityPrincipalId, principalType: 'ServicePrincipal' }],
  empty(userPrincipalId) ? [] : [{ key: userPrincipalId, principalId: userPrincipalId, principalType: userPrincipalType }]
)

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Roles, not access policies: the same model as the storage account and the registry.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (writeApiKey) {
  parent: vault
  name: secretName
  properties: {
    value: apiKey
    contentType: 'Fleet API key (X-Api-Key)'
  }
}

resource read 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for reader in readers: {
    scope: vault
    name: guid(vault.id, reader.key, secretsUser)
    properties: {
      principalId: reader.principalId
      principalType: reader.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    }
  }
]

output name string = vault.name
// Versionless: Container Apps follows the latest version of the secret.
output apiKeyUri string = '${vault.properties.vaultUri}secrets/${secretName}'
