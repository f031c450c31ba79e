/**
 * Azure ML name and size rules the Deploy dialog checks before a cell is generated, so what the
 * dialog accepts the SDK accepts (facts: /work/shared/reference/azure-ml.md §2.1–2.3).
 */

/** Online endpoint and deployment names: 3–32 chars, a letter first, no trailing '-'. */
export const ONLINE_NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/**
 * SDK v1 web service names: 3–32 chars, lower-case letters, digits and '-', a letter first, a
 * letter or digit last (azureml-core's `webservice_name_validation`; the agreement test checks).
 */
export const SERVICE_NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
export const NAME_MIN = 3;
export const NAME_MAX = 32;

/** Why a name breaks the rule, or '' when it is fine. */
export function nameProblem(name: string, rule: RegExp): string {
  if (name.length < NAME_MIN || name.length > NAME_MAX) {
    return 'length';
  }
  return rule.test(name) ? '' : 'chars';
}

/** The ACI → managed online SKU table of the upgrade guide: [max cpu, max memory GB, SKU]. */
const ACI_SKUS: [number, number, string][] = [
  [1, 1.2, 'Standard_DS1_v2'],
  [2, 1.7, 'Standard_F2s_v2'],
  [2, 4.7, 'Standard_DS2_v2'],
  [2, 13.7, 'Standard_E2s_v3'],
  [4, 5.7, 'Standard_F4s_v2'],
  [4, 11.7, 'Standard_DS3_v2'],
  [4, 16, 'Standard_E4s_v3']
];

/** The managed online SKU an ACI size maps to; '' when the table has none. */
export function managedSkuForAci(cpu: number, memoryGb: number): string {
  for (const [maxCpu, maxMem, sku] of ACI_SKUS) {
    if (cpu > 0 && memoryGb > 0 && cpu <= maxCpu && memoryGb <= maxMem) {
      return sku;
    }
  }
  return '';
}

/** A positive decimal number as typed, else NaN. */
export function positive(text: string): number {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) && Number(t) > 0 ? Number(t) : NaN;
}

/** Kubernetes CPU quantities: cores ("0.5", "2") or millicores ("500m"); the value in cores, else NaN. */
export function kubeCpu(text: string): number {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(t);
  const cores = m ? Number(m[1]) / (m[2] ? 1000 : 1) : NaN;
  return cores > 0 ? cores : NaN;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4
};

/** Kubernetes memory quantities ("512Mi", "1Gi", "2G"); the value in bytes, else NaN. */
export function kubeMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(text.trim());
  const bytes = m ? Number(m[1]) * MEMORY_UNITS[m[2] ?? ''] : NaN;
  return bytes > 0 ? bytes : NaN;
}

/**
 * Tags typed as `key=value, key2=value2`: the pairs, or null when one is not `key=value` (a key
 * is 1 to 256 characters without "=" or ","; a value may be empty).
 */
export function parseTags(text: string): [string, string][] | null {
  const pairs: [string, string][] = [];
  for (const part of text.split(',')) {
    if (!part.trim()) {
      continue;
    }
    const at = part.indexOf('=');
    const key = at < 0 ? '' : part.slice(0, at).trim();
    if (!key || key.length > 256) {
      return null;
    }
    pairs.push([key, part.slice(at + 1).trim()]);
  }
  return pairs;
}
