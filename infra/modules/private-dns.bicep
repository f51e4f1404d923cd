// A private DNS zone for the internal environment's default domain, linked to the VNet: every name in it resolves to
// the environment's static IP, so anything in the VNet (the API's environment, a VPN client, a jump box) reaches the
// dashboard and apps of the internal environment by name.

@description('The internal environment\'s default domain.')
param zoneName string

@description('The internal environment\'s private static IP.')
param staticIp string

@description('Virtual network to link.')
param vnetId string

@description('Tags for every resource.')
param tags object

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: zoneName
  location: 'global'
  tags: tags
}

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: 'fleet-vnet'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnetId
    }
  }
}

resource wildcard 'Microsoft.Network/privateDnsZones/A@2024-06-01' = {
  parent: zone
  name: '*'
  properties: {
    ttl: 300
    aRecords: [
      {
        ipv4Address: staticIp
      }
    ]
  }
}

output name string = zone.name
