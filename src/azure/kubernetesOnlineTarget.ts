import { onlineTarget } from './online';

/** Azure ML Kubernetes online endpoint, on an attached AKS or Arc cluster. */
export const kubernetesOnlineTarget = onlineTarget({
  id: 'azure-kubernetes-online',
  label: 'Azure ML Kubernetes online endpoint',
  description:
    'An online endpoint on a Kubernetes cluster attached to your Azure ML workspace.',
  kubernetes: true,
  defaultSize: 'defaultinstancetype'
});
