/**
 * MLflow's run filter syntax (mlflow-rest.md §3): a quick check in the browser for the mistakes
 * people make most, so that they get a plain message before a round trip, and a translation of
 * the server's own error when the check lets something through. Pure functions.
 */
import { ApiError } from '../api/request';

/** A problem with a filter, in words a user can act on (not yet translated). */
export interface IFilterProblem {
  /** The message, with `%1` for `arg` when there is one. */
  message: string;
  arg?: string;
}

/** Example shown with every syntax message. */
export const FILTER_EXAMPLE =
  "metrics.rmse < 0.8 AND params.model = 'ridge' AND tags.`mlflow.user` LIKE 'a%'";

const PREFIXES = new Set([
  'metric',
  'metrics',
  'param',
  'params',
  'parameter',
  'parameters',
  'tag',
  'tags',
  'attribute',
  'attributes',
  'attr',
  'run',
  'dataset',
  'datasets'
]);

const ATTRIBUTES = new Set([
  'run_id',
  'run_name',
  'status',
  'user_id',
  'artifact_uri',
  'start_time',
  'end_time',
  'created',
  'lifecycle_stage'
]);

/**
 * Check a filter for the mistakes MLflow's parser would reject: unclosed quotes, `OR`,
 * parentheses outside `IN (…)`, unknown entity prefixes and attributes.
 *
 * @param filter - the filter as typed
 * @returns the first problem found, or null when the filter looks valid
 */
export function checkFilter(filter: string): IFilterProblem | null {
  const text = filter.trim();
  if (!text) {
    return null;
  }
  // Walk outside quotes only: quoted text may hold anything.
  let outside = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) {
        quote = null;
      }
      outside += ' ';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      outside += ch === '`' ? 'K' : 'S';
    } else {
      outside += ch;
    }
  }
  if (quote) {
    return { message: 'A quote is not closed: %1', arg: quote };
  }
  if (/(^|\s)OR(\s|$)/i.test(outside)) {
    return {
      message:
        'MLflow filters only join conditions with AND; OR is not supported.'
    };
  }
  const withoutIn = outside.replace(/\bIN\s*\([^()]*\)/gi, ' IN_LIST ');
  if (/[()]/.test(withoutIn)) {
    return {
      message:
        'Parentheses are only allowed around the list of IN (…); MLflow filters do not group conditions.'
    };
  }
  for (const match of withoutIn.matchAll(/([A-Za-z_][\w]*)\.(?=[A-Za-z_K])/g)) {
    const prefix = match[1].toLowerCase();
    if (!PREFIXES.has(prefix)) {
      return {
        message:
          'Unknown prefix "%1": use metrics., params., tags. or attributes.',
        arg: match[1]
      };
    }
    if (['attribute', 'attributes', 'attr', 'run'].includes(prefix)) {
      const name = withoutIn
        .slice(match.index + match[0].length)
        .split(/\W/)[0];
      if (name && name !== 'K' && !ATTRIBUTES.has(name.toLowerCase())) {
        return { message: 'Unknown run attribute "%1".', arg: name };
      }
    }
  }
  return null;
}

/**
 * Whether an error of `runs/search` is MLflow rejecting the filter or order (rather than the
 * server being down): MLflow answers 400 INVALID_PARAMETER_VALUE.
 *
 * @param error - what the search threw
 */
export function isSyntaxError(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 400 &&
    error.reason === 'INVALID_PARAMETER_VALUE'
  );
}
