import { legacyTarget } from './legacy';

/** Azure Container Instances web service (SDK v1, legacy). */
export const aciTarget = legacyTarget({
  id: 'azure-aci',
  label: 'Azure Container Instances web service',
  description: 'A container web service for tests and small loads.',
  aks: false
});
