import { MlflowClient } from '../api/mlflowClient';
import {
  ILoggedModel,
  IModelVersion,
  IRegisteredModel,
  IRun
} from '../api/mlflowTypes';
import { ApiError } from '../api/request';
import { loggedModelsOfRun } from '../api/runModels';
import { IModelChoice } from './targets';

/**
 * Models logged by runs, from MLflow 2.x's log-model history tag: `runs:/<run>/<path>`.
 *
 * @param runs - runs with their tags
 */
export function choicesFromRunTags(runs: IRun[]): IModelChoice[] {
  return runs.flatMap(run =>
    loggedModelsOfRun(run).map(entry => ({
      uri: entry.uri,
      label: `${runLabel(run)} / ${entry.path}`,
      source: 'logged' as const,
      runId: run.info.run_id,
      ...runNameOf(run),
      flavors: entry.flavors.length ? entry.flavors : undefined
    }))
  );
}

/**
 * MLflow 3 logged models: `models:/<model id>`, labelled with their run.
 *
 * @param models - logged models of the experiment
 * @param runs - runs, to name the model's run
 */
export function choicesFromLoggedModels(
  models: ILoggedModel[],
  runs: IRun[]
): IModelChoice[] {
  const byId = new Map(runs.map(r => [r.info.run_id, r]));
  return models
    .filter(m => m.info.status !== 'LOGGED_MODEL_UPLOAD_FAILED')
    .map(m => {
      const run = m.info.source_run_id
        ? byId.get(m.info.source_run_id)
        : undefined;
      const owner = run ? runLabel(run) : m.info.source_run_id?.slice(0, 8);
      return {
        uri: `models:/${m.info.model_id}`,
        label: owner ? `${owner} / ${m.info.name}` : m.info.name,
        source: 'logged' as const,
        runId: m.info.source_run_id,
        ...(run ? runNameOf(run) : {})
      };
    });
}

/**
 * Registered models: each alias (`models:/<name>@<alias>`) and each version
 * (`models:/<name>/<version>`), newest version first.
 *
 * @param models - registered models with their aliases
 * @param versions - their versions
 */
export function choicesFromRegistry(
  models: IRegisteredModel[],
  versions: IModelVersion[]
): IModelChoice[] {
  const out: IModelChoice[] = [];
  for (const model of models) {
    for (const alias of model.aliases) {
      out.push({
        uri: `models:/${model.name}@${alias.alias}`,
        label: `${model.name} @${alias.alias} (v${alias.version})`,
        source: 'registered'
      });
    }
  }
  const sorted = [...versions].sort(
    (a, b) =>
      a.name.localeCompare(b.name) || Number(b.version) - Number(a.version)
  );
  for (const v of sorted) {
    out.push({
      uri: `models:/${v.name}/${v.version}`,
      label: `${v.name} v${v.version}`,
      source: 'registered',
      runId: v.run_id
    });
  }
  return out;
}

/**
 * Everything deployable the dialog offers: this notebook's runs' models first (newest run
 * first), then the registry. A server without MLflow 3 logged models or without a registry
 * (404 / ENDPOINT_NOT_FOUND) simply contributes nothing.
 *
 * @param client - the workspace's MLflow client
 * @param experimentName - the notebook's experiment, if linked
 * @param signal - cancels the requests
 */
export async function loadModelChoices(
  client: MlflowClient,
  experimentName: string | null,
  signal?: AbortSignal
): Promise<IModelChoice[]> {
  const logged: IModelChoice[] = [];
  if (experimentName) {
    const experiment = await client.getExperimentByName(experimentName, {
      signal
    });
    if (experiment) {
      const ids = [experiment.experiment_id];
      const { runs } = await client.searchRuns({
        experimentIds: ids,
        maxResults: 200,
        orderBy: ['attributes.start_time DESC'],
        signal
      });
      const models = await absentIsEmpty(
        client.searchLoggedModels({
          experimentIds: ids,
          maxResults: 100,
          signal
        })
      );
      logged.push(
        ...choicesFromLoggedModels(models?.models ?? [], runs),
        ...choicesFromRunTags(runs)
      );
      // Newest run first, as the runs were ordered.
      const order = new Map(runs.map((r, i) => [r.info.run_id, i]));
      logged.sort(
        (a, b) =>
          (order.get(a.runId ?? '') ?? 1e9) - (order.get(b.runId ?? '') ?? 1e9)
      );
    }
  }
  const [registered, versions] = await Promise.all([
    absentIsEmpty(client.searchRegisteredModels({ maxResults: 100, signal })),
    absentIsEmpty(client.searchModelVersions({ maxResults: 200, signal }))
  ]);
  return [
    ...logged,
    ...choicesFromRegistry(
      registered?.registered_models ?? [],
      versions?.model_versions ?? []
    )
  ];
}

/** `{ runName }` when the run has a name, else nothing (the field stays absent). */
function runNameOf(run: IRun): { runName?: string } {
  return run.info.run_name ? { runName: run.info.run_name } : {};
}

/** A run's name, or the start of its id. */
function runLabel(run: IRun): string {
  return run.info.run_name || run.info.run_id.slice(0, 8);
}

/** Endpoints an older or smaller server lacks answer 404 / 501: treat as "none". */
async function absentIsEmpty<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (
      error instanceof ApiError &&
      (error.status === 404 ||
        error.status === 501 ||
        error.reason === 'ENDPOINT_NOT_FOUND')
    ) {
      return null;
    }
    throw error;
  }
}
