/**
 * Metric keys grouped by prefix, as TensorBoard and W&B section them: `train/loss` and
 * `train/acc` under `train`, `val/loss` under `val`. Pure, no DOM.
 */

/** One section of the charts: a prefix and its keys, sorted. */
export interface IKeyGroup {
  /** The prefix before the first `/`; `''` for keys without one. */
  name: string;
  keys: string[];
}

/**
 * The section of a key: what comes before its first `/` (a leading `/` does not count).
 *
 * @param key - a metric key
 */
export function groupOf(key: string): string {
  const slash = key.indexOf('/', 1);
  return slash > 0 ? key.slice(0, slash) : '';
}

/**
 * Group keys by prefix: keys without a prefix first, then the sections by name; keys keep
 * their order within a section.
 *
 * @param keys - metric keys, sorted
 */
export function groupKeys(keys: readonly string[]): IKeyGroup[] {
  const byName = new Map<string, string[]>();
  for (const key of keys) {
    const name = groupOf(key);
    let list = byName.get(name);
    if (!list) {
      list = [];
      byName.set(name, list);
    }
    list.push(key);
  }
  return Array.from(byName, ([name, list]) => ({ name, keys: list })).sort(
    (a, b) =>
      a.name === '' ? -1 : b.name === '' ? 1 : compareKeys(a.name, b.name)
  );
}

/** The one order of keys and sections everywhere: locale-aware, numbers by value (`k2` < `k10`). */
export const compareKeys = new Intl.Collator(undefined, { numeric: true })
  .compare;

/**
 * Whether a key matches the filter text: every space-separated word is in it, any case.
 *
 * @param key - a metric key
 * @param filter - what the user typed
 */
export function matchesFilter(key: string, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return true;
  }
  const lower = key.toLowerCase();
  return words.every(w => lower.includes(w));
}
