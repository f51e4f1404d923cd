// The image a container app runs now, read from Azure: azd's RESOURCE_EXISTS pattern (Azure/azure-dev
// cli/azd/resources/scaffold/base/modules/fetch-container-image.bicep). azd sets SERVICE_<NAME>_RESOURCE_EXISTS before
// every provision (cli/azd/pkg/project/service_target_containerapp.go addPreProvisionChecks: the app tagged
// azd-service-name exists in the environment's resource group), so `azd provision` keeps what was deployed, from any
// machine, and after `azd down` a new registry never gets a stale SERVICE_*_IMAGE_NAME it does not hold.

@description('Whether the app exists (SERVICE_<NAME>_RESOURCE_EXISTS); false: no image yet.')
param exists bool

@description('The container app to read.')
param name string

resource app 'Microsoft.App/containerApps@2025-01-01' existing = if (exists) {
  name: name
}

// Empty until the app exists; then its first container's image (the placeholder too, before the first deploy).
output image string = exists ? app!.properties.template.containers[0].image : ''
