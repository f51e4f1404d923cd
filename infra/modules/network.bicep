// The virtual network Orleans' Container Apps topology needs: the silos' internal environment gets a subnet of its
// own, and the API's external environment another, so the API reaches every silo gateway on the internal
// environment's private static IP while users reach the API over public HTTPS.
//
// Orleans' silo (11111+i) and gateway (30000+i) ports carry no TLS, so the silos' subnet has a network security group
// that lets only the silos' own subnet and the API's subnet reach them: anything else in the VNet (a subnet a team adds
// later, a peered VNet, a VPN client) is denied every port but the environment's HTTP edge (the dashboard). Why an NSG
// rather than per-app ingress IP restrictions: it is enforced by the network at the subnet, once for every silo app
// (up to 51 of them), whatever port the internal load balancer maps an exposed port to. The API's subnet gets none:
// its environment is external, whose inbound traffic arrives through a public IP in the managed resource group, not
// through the subnet (Microsoft does not support locking that down with an NSG), and it exposes no Orleans port.
// The allow rules are the ones Microsoft documents for a workload-profiles environment (Container Apps "Securing a
// custom VNET with Network Security Groups"): the load balancer's probes, traffic within the subnet, and the HTTP edge
// (80/31080, 443/31443). Outbound is left at the NSG defaults, which allow what the environment needs.

@description('Virtual network name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

// Workload-profile environments need a subnet delegated to Microsoft.App/environments, /27 at least.
var addressSpace = '10.42.0.0/22'
var silosPrefix = '10.42.0.0/24'
var apiPrefix = '10.42.1.0/27'

resource silosNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-silos-${name}'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // Silo to silo (11111+i), the environment's own components and nodes: everything within the subnet.
        name: 'allow-silos-subnet'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: silosPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: silosPrefix
          destinationPortRange: '*'
        }
      }
      {
        // The API, an Orleans client, to the gateways (30000+i). Any TCP port: which backend port the internal load
        // balancer maps an exposed TCP port to is not documented, and this subnet is the fleet's own.
        name: 'allow-api-subnet'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: apiPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: silosPrefix
          destinationPortRange: '*'
        }
      }
      {
        // Load balancer probes (documented: 30000-32767). 168.63.129.16 is inside the VirtualNetwork tag, so this
        // allow must come before the deny below.
        name: 'allow-load-balancer'
        properties: {
          priority: 120
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'AzureLoadBalancer'
          sourcePortRange: '*'
          destinationAddressPrefix: silosPrefix
          destinationPortRange: '30000-32767'
        }
      }
      {
        // The environment's HTTP edge (the Aspire dashboard) stays reachable from the VNet: 80/443 and the edge
        // proxy's 31080/31443 behind the internal load balancer.
        name: 'allow-vnet-http-edge'
        properties: {
          priority: 130
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: silosPrefix
          destinationPortRanges: [
            '80'
            '443'
            '31080'
            '31443'
          ]
        }
      }
      {
        // Everything else from the VNet, the Orleans ports first among them. Internet traffic never reaches this
        // internal environment's subnet (the default DenyAllInBound).
        name: 'deny-vnet-to-silos'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressSpace
      ]
    }
    subnets: [
      {
        name: 'silos'
        properties: {
          addressPrefix: silosPrefix
          networkSecurityGroup: {
            id: silosNsg.id
          }
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
          addressPrefix: apiPrefix
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
