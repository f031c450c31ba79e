import { IPreflight } from '../api/types';

/** A column of MLflow's column-based signature (`Model.signature.to_dict()["inputs"]`). */
interface IColumnSpec {
  name?: string;
  type?: string;
}

/**
 * The first body "Call endpoint" offers: the model's logged serving example when there is one,
 * else a one-row `dataframe_split` built from a column signature, else an empty `inputs`.
 * Always pretty JSON the user can edit.
 *
 * @param preflight - what the pre-flight read from the model, if it ran
 */
export function initialRequestBody(preflight: IPreflight | null): string {
  const example = preflight?.input_example;
  if (example !== undefined && example !== null) {
    return prettyJson(example);
  }
  const columns = signatureColumns(preflight?.signature?.inputs);
  if (columns.length && columns.every(c => typeof c.name === 'string')) {
    return prettyJson({
      dataframe_split: {
        columns: columns.map(c => c.name),
        data: [columns.map(c => placeholder(c.type))]
      }
    });
  }
  return prettyJson({ inputs: [] });
}

/**
 * Check a body before it is sent: JSON that MLflow's scoring server can take.
 *
 * @param text - what the user typed
 * @returns a message, or '' when the body can be sent
 */
export function checkRequestBody(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return 'Send a JSON object with one of dataframe_split, dataframe_records, instances or inputs.';
  }
  const keys = Object.keys(parsed as object);
  const known = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'];
  if (!keys.some(k => known.includes(k))) {
    return `MLflow expects one of ${known.join(', ')} (found: ${keys.join(', ') || 'nothing'}).`;
  }
  return '';
}

/**
 * Show the scoring server's answer: its `predictions` (or the whole body) as pretty JSON.
 *
 * @param text - the body as received
 */
export function formatAnswer(text: string): string {
  try {
    return prettyJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * JSON indented by object, with arrays of plain values on one line: a request of ten columns
 * and three rows stays short enough to read and edit.
 *
 * @param value - any JSON value
 */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\s*((?:[^[\]{}"]|"(?:[^"\\]|\\.)*")*?)\s*\]/g,
    (_match, inner: string) => `[${inner.split(/,\s*\n\s*/).join(', ')}]`
  );
}

function signatureColumns(inputs: string | undefined): IColumnSpec[] {
  if (!inputs) {
    return [];
  }
  try {
    const parsed = JSON.parse(inputs);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function placeholder(type: string | undefined): unknown {
  switch (type) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'datetime':
      return '1970-01-01T00:00:00';
    default:
      return 0;
  }
}
