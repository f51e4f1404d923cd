// A user-assigned managed identity a Fleet app runs as: it pulls images and reaches storage, with no keys. The silos
// and the API each get one (main.bicep), so the API holds only the roles it needs.

@description('Identity name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
