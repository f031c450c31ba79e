import { legacyTarget } from './legacy';

/** Azure Kubernetes Service web service (SDK v1, legacy). */
export const aksTarget = legacyTarget({
  id: 'azure-aks',
  label: 'Azure Kubernetes Service web service',
  description: 'A web service on an AKS cluster attached to the workspace.',
  aks: true
});
