/**
 * MLflow's REST wire rules, as pure functions (see shared/reference/mlflow-rest.md §1):
 * GET fields travel as query parameters with repeated keys for lists, POST bodies are JSON,
 * unset fields and empty lists are omitted, doubles may be the strings "NaN"/"Infinity"/
 * "-Infinity", and int64 fields are numbers but some servers (protobuf's default JSON) send
 * numeric strings. Decoders turn MLflow's JSON into the types of `mlflowTypes.ts`.
 */
import { ABORTED, ApiError } from './request';
import {
  IExperiment,
  IFileInfo,
  ILoggedModel,
  IMetric,
  IModelVersion,
  IRegisteredModel,
  IRun
} from './mlflowTypes';

/** A scalar that can travel as a query parameter. */
export type QueryValue = string | number | boolean;

/** The fields of a GET request; `undefined`, `null` and empty lists are left out. */
export type QueryFields = Record<
  string,
  QueryValue | readonly QueryValue[] | null | undefined
>;

/**
 * Encode the fields of a GET request as MLflow's server parses them: lists as repeated keys
 * (`run_ids=a&run_ids=b`), booleans as `true`/`false`, non-finite numbers as MLflow spells them.
 *
 * @param fields - field name → value; unset values and empty lists are omitted
 * @returns the query string without a leading `?` (empty when no field is set)
 */
export function encodeQuery(fields: QueryFields): string {
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(fields)) {
    if (raw === undefined || raw === null) {
      continue;
    }
    const values: readonly QueryValue[] = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      const text =
        typeof value === 'number' ? String(encodeDouble(value)) : String(value);
      parts.push(`${Private.encode(key)}=${Private.encode(text)}`);
    }
  }
  return parts.join('&');
}

/**
 * Encode the body of a POST request: JSON without `undefined`/`null` fields and empty lists,
 * with non-finite numbers as the strings MLflow expects (JSON has no NaN).
 *
 * @param fields - the request message with snake_case field names
 */
export function encodeBody(fields: object): string {
  return JSON.stringify(fields, (key, value) => {
    if (value === null) {
      return undefined;
    }
    if (typeof value === 'number') {
      return encodeDouble(value);
    }
    if (key !== '' && Array.isArray(value) && value.length === 0) {
      return undefined;
    }
    return value;
  });
}

/**
 * Encode a double as MLflow sends it: finite numbers unchanged, others as "NaN"/"Infinity"/
 * "-Infinity".
 *
 * @param value - the number to send
 */
export function encodeDouble(value: number): number | string {
  if (Number.isFinite(value)) {
    return value;
  }
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  return value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Decode a double field (a metric value): numbers as is, "NaN"/"Infinity"/"-Infinity" and
 * numeric strings as numbers, a missing field as protobuf's default 0, anything else as NaN.
 *
 * @param value - the raw JSON value
 */
export function decodeDouble(value: unknown): number {
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const special = Private.SPECIAL_DOUBLES[value];
    return special !== undefined ? special : Number(value);
  }
  return NaN;
}

/**
 * Decode an int64 field (a time in ms, a step, a size): a number, or a numeric string as
 * protobuf's default JSON writes int64. Millisecond times stay far below 2^53, so `number`
 * is exact.
 *
 * @param value - the raw JSON value
 * @returns the number, or `undefined` when the field is missing or not an integer
 */
export function decodeInt64(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
    return Number(value);
  }
  return undefined;
}

/**
 * Decode a repeated field, which MLflow omits when empty.
 *
 * @param raw - the raw JSON value
 * @param decode - decoder of one element
 */
export function decodeList<T>(raw: unknown, decode: (item: any) => T): T[] {
  return Array.isArray(raw) ? raw.map(item => decode(item)) : [];
}

/**
 * Pick the paging token of a search reply; an empty token means the last page.
 *
 * @param raw - the reply
 */
export function decodePageToken(raw: any): { next_page_token?: string } {
  const token = raw?.next_page_token;
  return typeof token === 'string' && token ? { next_page_token: token } : {};
}

/**
 * Decode a metric; a missing step or timestamp is protobuf's default 0.
 *
 * @param raw - a `Metric` as MLflow sent it
 */
export function decodeMetric(raw: any): IMetric {
  return {
    ...raw,
    value: decodeDouble(raw?.value),
    timestamp: decodeInt64(raw?.timestamp) ?? 0,
    step: decodeInt64(raw?.step) ?? 0
  };
}

/**
 * Decode an experiment.
 *
 * @param raw - an `Experiment` as MLflow sent it
 */
export function decodeExperiment(raw: any): IExperiment {
  return {
    ...Private.int64s(raw, ['creation_time', 'last_update_time']),
    tags: decodeList(raw?.tags, Private.same)
  };
}

/**
 * Decode a run; `run_id` falls back to the deprecated `run_uuid` of old servers.
 *
 * @param raw - a `Run` as MLflow sent it
 */
export function decodeRun(raw: any): IRun {
  const info = Private.int64s(raw?.info, ['start_time', 'end_time']);
  const { data, inputs, outputs } = raw ?? {};
  return {
    info: { ...info, run_id: info.run_id ?? info.run_uuid },
    data: {
      metrics: decodeList(data?.metrics, decodeMetric),
      params: decodeList(data?.params, Private.same),
      tags: decodeList(data?.tags, Private.same)
    },
    inputs: {
      dataset_inputs: decodeList(inputs?.dataset_inputs, input => ({
        ...input,
        tags: decodeList(input?.tags, Private.same)
      })),
      model_inputs: decodeList(inputs?.model_inputs, Private.same)
    },
    outputs: {
      model_outputs: decodeList(outputs?.model_outputs, output => ({
        ...output,
        step: decodeInt64(output?.step) ?? 0
      }))
    }
  };
}

/**
 * Decode a model version.
 *
 * @param raw - a `ModelVersion` as MLflow sent it
 */
export function decodeModelVersion(raw: any): IModelVersion {
  return {
    ...Private.int64s(raw, ['creation_timestamp', 'last_updated_timestamp']),
    tags: decodeList(raw?.tags, Private.same),
    aliases: decodeList(raw?.aliases, Private.same),
    model_params: decodeList(raw?.model_params, Private.same),
    model_metrics: decodeList(raw?.model_metrics, decodeMetric)
  };
}

/**
 * Decode a registered model with its latest versions.
 *
 * @param raw - a `RegisteredModel` as MLflow sent it
 */
export function decodeRegisteredModel(raw: any): IRegisteredModel {
  return {
    ...Private.int64s(raw, ['creation_timestamp', 'last_updated_timestamp']),
    latest_versions: decodeList(raw?.latest_versions, decodeModelVersion),
    tags: decodeList(raw?.tags, Private.same),
    aliases: decodeList(raw?.aliases, Private.same)
  };
}

/**
 * Decode a logged model (MLflow 3).
 *
 * @param raw - a `LoggedModel` as MLflow sent it
 */
export function decodeLoggedModel(raw: any): ILoggedModel {
  const info = Private.int64s(raw?.info, [
    'creation_timestamp_ms',
    'last_updated_timestamp_ms',
    'creator_id'
  ]);
  return {
    info: {
      ...info,
      tags: decodeList(info.tags, Private.same),
      registrations: decodeList(info.registrations, Private.same)
    },
    data: {
      params: decodeList(raw?.data?.params, Private.same),
      metrics: decodeList(raw?.data?.metrics, decodeMetric)
    }
  };
}

/**
 * Decode an artifact listing entry; directories have no size.
 *
 * @param raw - a `FileInfo` as MLflow sent it
 */
export function decodeFileInfo(raw: any): IFileInfo {
  return {
    ...Private.int64s(raw, ['file_size']),
    is_dir: raw?.is_dir === true
  };
}

/** One page of a paged endpoint, as `collectPages` consumes it. */
export interface IPage<T> {
  items: T[];
  /** Absent or empty on the last page. */
  nextPageToken?: string;
}

/** How far `collectPages` may go. */
export interface ICollectOptions {
  /** Stop once this many items are collected (the result is cut to it). Default: no limit. */
  maxItems?: number;
  /** Stop after this many requests, against servers that never stop paging. Default 1000. */
  maxPages?: number;
  /** Cancels the paging between pages (and the request in flight, if `fetchPage` uses it). */
  signal?: AbortSignal;
}

/**
 * Follow `next_page_token` from the first page until the last page or a cap.
 *
 * @param fetchPage - fetches the page for a token (`undefined` for the first page)
 * @param options - caps and cancellation
 * @returns the items, and `truncated` when a cap (or a repeated token) stopped the paging
 * @throws ApiError with reason `ABORTED` when the signal fires, or whatever `fetchPage` throws
 */
export async function collectPages<T>(
  fetchPage: (pageToken: string | undefined) => Promise<IPage<T>>,
  options: ICollectOptions = {}
): Promise<{ items: T[]; truncated: boolean }> {
  const maxItems = options.maxItems ?? Infinity;
  const maxPages = options.maxPages ?? 1000;
  const items: T[] = [];
  let token: string | undefined;
  for (let pages = 1; ; pages++) {
    throwIfAborted(options.signal);
    const page = await fetchPage(token);
    for (const item of page.items) {
      items.push(item);
    }
    const next = page.nextPageToken || undefined;
    if (!next) {
      return {
        items: items.slice(0, maxItems),
        truncated: items.length > maxItems
      };
    }
    // Some MLflow versions answer get-history with the token they were given (no progress);
    // following it would loop until maxPages.
    if (items.length >= maxItems || pages >= maxPages || next === token) {
      return { items: items.slice(0, maxItems), truncated: true };
    }
    token = next;
  }
}

/**
 * Throw the same `ApiError` as a cancelled request when the signal has fired.
 *
 * @param signal - the caller's abort signal, if any
 */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw new ApiError(0, 'Request cancelled', ABORTED);
  }
}

namespace Private {
  /** Protobuf's JSON spelling of non-finite doubles. */
  export const SPECIAL_DOUBLES: Record<string, number> = {
    NaN: NaN,
    Infinity: Infinity,
    '-Infinity': -Infinity
  };

  /**
   * Percent-encode like RFC 3986: a space is %20, not URLSearchParams' '+' (a literal plus
   * outside form encoding), and !'()* are encoded too, because the browser's URL parser
   * would rewrite `'` anyway and the URL we build should be the URL that is sent.
   */
  export function encode(text: string): string {
    return encodeURIComponent(text).replace(
      /[!'()*]/g,
      c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
    );
  }

  /** Identity decoder for elements that need no decoding (tags, params). */
  export function same<T>(item: T): T {
    return item;
  }

  /** Copy `raw`, normalising the listed int64 fields that are present. */
  export function int64s(raw: any, keys: string[]): any {
    const out: Record<string, unknown> = { ...(raw ?? {}) };
    for (const key of keys) {
      if (key in out) {
        out[key] = decodeInt64(out[key]);
      }
    }
    return out;
  }
}
