/**
 * Readable default service names. Pure functions, so that every target (local, cloud) derives
 * its default the same way and only applies its own length and character rules.
 */

/** Rules a service name must follow, for `slugName`. */
export interface INameRules {
  /** The longest name allowed. */
  maxLength: number;
  /** The shortest name allowed; shorter slugs are refused (null). */
  minLength?: number;
  /** Whether the name must start with a letter (many cloud endpoints). */
  letterFirst?: boolean;
}

/**
 * A name made of lowercase ASCII letters, digits and single hyphens, from any text: a run name
 * such as "Ridge α=0.1 (final)" gives `ridge-0-1-final`. Such names are valid for the local
 * service and, within the length rules, for URLs and cloud endpoints.
 *
 * @param text - what to name it after (a run name, a model name)
 * @param rules - the target's length rules
 * @returns the name, or null when nothing usable is left
 */
export function slugName(text: string, rules: INameRules): string | null {
  let slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (rules.letterFirst) {
    slug = slug.replace(/^[^a-z]+/, '');
  }
  slug = slug.slice(0, rules.maxLength).replace(/-+$/, '');
  return slug.length >= Math.max(1, rules.minLength ?? 1) ? slug : null;
}
