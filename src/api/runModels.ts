import { IRun } from './mlflowTypes';

/** MLflow 2.x records each `log_model` of a run in this tag (a JSON list). */
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

/** One model a run logged, as its log-model history tag records it. */
export interface ILoggedModelEntry {
  /** The artifact folder below the run (`model`, `models/clf`…). */
  path: string;
  /** `runs:/<run id>/<path>` */
  uri: string;
  /** The flavours MLflow wrote, sorted (`python_function`, `sklearn`…). */
  flavors: string[];
}

/**
 * The models a run logged, from MLflow 2.x's log-model history tag: the one parser of it.
 * A hand-written or truncated tag yields nothing rather than an error; each artifact path
 * appears once (logging twice to one path rewrites the same model).
 *
 * @param run - a run with its tags
 */
export function loggedModelsOfRun(run: IRun): ILoggedModelEntry[] {
  const raw = run.data.tags.find(t => t.key === LOG_MODEL_HISTORY_TAG)?.value;
  if (!raw) {
    return [];
  }
  let history: unknown;
  try {
    history = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(history)) {
    return [];
  }
  const out: ILoggedModelEntry[] = [];
  const seen = new Set<string>();
  for (const entry of history) {
    const path = entry?.artifact_path;
    if (typeof path !== 'string' || !path || seen.has(path)) {
      continue;
    }
    seen.add(path);
    const flavors =
      entry.flavors && typeof entry.flavors === 'object'
        ? Object.keys(entry.flavors).sort()
        : [];
    out.push({ path, uri: `runs:/${run.info.run_id}/${path}`, flavors });
  }
  return out;
}
