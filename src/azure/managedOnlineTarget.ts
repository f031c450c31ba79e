import { onlineTarget } from './online';

/** Azure ML managed online endpoint: the recommended target. */
export const managedOnlineTarget = onlineTarget({
  id: 'azure-managed-online',
  label: 'Azure ML managed online endpoint (recommended)',
  description:
    'A managed HTTPS endpoint in your Azure ML workspace; Azure runs the machines.',
  kubernetes: false,
  defaultSize: 'Standard_DS3_v2'
});
