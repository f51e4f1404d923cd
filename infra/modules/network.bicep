// The virtual network Orleans' Container Apps topology needs: the silos' internal environment gets a subnet of its
// own, and the API's external environment another, so the API reaches every silo gateway on the internal
// environment's private static IP while users reach the API over public HTTPS.

@description('Virtual network name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

// Workload-profile environments need a subnet delegated to Microsoft.App/environments, /27 at least.
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.42.0.0/22'
      ]
    }
    subnets: [
      {
        name: 'silos'
        properties: {
          addressPrefix: '10.42.0.0/24'
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'api'
        properties: {
          addressPrefix: '10.42.1.0/27'
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

output id string = vnet.id
output silosSubnetId string = vnet.properties.subnets[0].id
output apiSubnetId string = vnet.properties.subnets[1].id
