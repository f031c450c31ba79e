import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';
import { CommandIDs } from '../commands';
import { IRun } from '../api/mlflowTypes';
import { formatDuration, formatNumber } from './columns';
import { Loadable } from './browserModel';
import { IRunDetails } from './detailsModel';
import { Sparkline } from '../charts/svg/Sparkline';

/** The tag MLflow's UI keeps a run's description in. */
const DESCRIPTION_TAG = 'mlflow.note.content';

/**
 * The details of one run: what it is, its description, params, latest metrics, tags, dataset
 * inputs and logged models, with a link to the tracking server's own UI.
 */
export function RunDetails(props: {
  state: Loadable<IRunDetails>;
  sparklines: Map<string, number[]>;
  uiLink: (run: IRun) => string | null;
  hasChildren: boolean;
  commands: CommandRegistry;
  trans: TranslationBundle;
  onClose: () => void;
}): JSX.Element {
  const { state, trans } = props;
  let body: JSX.Element;
  if (state.kind === 'loading') {
    body = <div aria-busy="true">{trans.__('Loading run…')}</div>;
  } else if (state.kind === 'error') {
    body = (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not load the run: %1', state.message)}
      </div>
    );
  } else {
    body = <DetailsBody {...props} details={state.value} />;
  }
  return (
    <aside
      className="jp-mlflow-RunDetails"
      aria-label={trans.__('Run details')}
    >
      <div className="jp-mlflow-RunDetails-header">
        <h3>
          {state.kind === 'ready'
            ? state.value.run.info.run_name || state.value.run.info.run_id
            : trans.__('Run')}
        </h3>
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal"
          aria-label={trans.__('Close run details')}
          onClick={props.onClose}
        >
          ×
        </button>
      </div>
      {body}
    </aside>
  );
}

function DetailsBody(props: {
  details: IRunDetails;
  sparklines: Map<string, number[]>;
  uiLink: (run: IRun) => string | null;
  hasChildren: boolean;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { details, trans } = props;
  const { run, models } = details;
  const info = run.info;
  const tag = (key: string) => run.data.tags.find(t => t.key === key)?.value;
  const description = tag(DESCRIPTION_TAG);
  const link = props.uiLink(run);
  const userTags = run.data.tags.filter(t => !t.key.startsWith('mlflow.'));
  const systemTags = run.data.tags.filter(
    t =>
      t.key.startsWith('mlflow.') &&
      t.key !== DESCRIPTION_TAG &&
      t.key !== 'mlflow.log-model.history'
  );
  const duration =
    info.start_time !== undefined && info.end_time !== undefined
      ? formatDuration(info.end_time - info.start_time)
      : '';
  return (
    <div className="jp-mlflow-RunDetails-body">
      <dl className="jp-mlflow-KeyValues">
        <dt>{trans.__('Run id')}</dt>
        <dd>
          <code>{info.run_id}</code>
        </dd>
        <dt>{trans.__('Status')}</dt>
        <dd>{info.status}</dd>
        {info.start_time !== undefined && (
          <>
            <dt>{trans.__('Started')}</dt>
            <dd>{new Date(info.start_time).toLocaleString()}</dd>
          </>
        )}
        {duration && (
          <>
            <dt>{trans.__('Duration')}</dt>
            <dd>{duration}</dd>
          </>
        )}
        {info.user_id && (
          <>
            <dt>{trans.__('User')}</dt>
            <dd>{info.user_id}</dd>
          </>
        )}
        {tag('mlflow.source.name') && (
          <>
            <dt>{trans.__('Source')}</dt>
            <dd>{tag('mlflow.source.name')}</dd>
          </>
        )}
      </dl>
      <div className="jp-mlflow-RunDetails-actions">
        {link && (
          <a
            className="jp-mlflow-Link"
            href={link}
            target="_blank"
            rel="noopener noreferrer"
          >
            {trans.__('Open in MLflow UI')}
          </a>
        )}
        {props.hasChildren && (
          <button
            className="jp-Button jp-mod-styled jp-mod-accept"
            onClick={() =>
              void props.commands.execute(CommandIDs.showSweep, {
                runId: info.run_id
              })
            }
          >
            {trans.__('Show sweep')}
          </button>
        )}
      </div>
      {description && (
        <Section title={trans.__('Description')}>
          <p className="jp-mlflow-RunDetails-description">{description}</p>
        </Section>
      )}
      <Section title={trans.__('Parameters (%1)', run.data.params.length)}>
        <Pairs
          items={run.data.params.map(p => [p.key, p.value])}
          empty={trans.__('No parameters.')}
        />
      </Section>
      <Section title={trans.__('Metrics (%1)', run.data.metrics.length)}>
        {run.data.metrics.length ? (
          <dl className="jp-mlflow-KeyValues jp-mod-metrics">
            {run.data.metrics.map(m => (
              <React.Fragment key={m.key}>
                <dt title={m.key}>{m.key}</dt>
                <dd title={trans.__('%1 at step %2', m.value, m.step)}>
                  <span className="jp-mlflow-Metric-value">
                    {formatNumber(m.value)}
                  </span>
                  <Sparkline values={props.sparklines.get(m.key)} />
                </dd>
              </React.Fragment>
            ))}
          </dl>
        ) : (
          <div className="jp-mlflow-Muted">{trans.__('No metrics.')}</div>
        )}
      </Section>
      <Section title={trans.__('Tags (%1)', userTags.length)}>
        <Pairs
          items={userTags.map(t => [t.key, t.value])}
          empty={trans.__('No tags.')}
        />
      </Section>
      <Section
        title={trans.__(
          'Dataset inputs (%1)',
          run.inputs.dataset_inputs.length
        )}
      >
        <Pairs
          items={run.inputs.dataset_inputs.map(d => [
            d.dataset.name,
            [
              d.dataset.digest,
              d.dataset.source_type,
              d.tags.find(t => t.key === 'mlflow.data.context')?.value
            ]
              .filter(Boolean)
              .join(' · ')
          ])}
          empty={trans.__('No datasets logged.')}
        />
      </Section>
      <Section title={trans.__('Models (%1)', models.length)}>
        {models.length ? (
          <ul className="jp-mlflow-ModelList">
            {models.map(m => (
              <li key={m.uri}>
                <strong>{m.name}</strong>{' '}
                {m.type && <span className="jp-mlflow-Badge">{m.type}</span>}
                <code className="jp-mlflow-ModelList-uri">{m.uri}</code>
                {props.commands.hasCommand(CommandIDs.deploy) ? (
                  <button
                    className="jp-Button jp-mod-styled jp-mod-minimal"
                    title={trans.__('Deploy this model as a web service')}
                    disabled={!props.commands.isEnabled(CommandIDs.deploy)}
                    onClick={() =>
                      void props.commands.execute(CommandIDs.deploy, {
                        modelUri: m.uri
                      })
                    }
                  >
                    {trans.__('Deploy…')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <div className="jp-mlflow-Muted">
            {details.loggedModels
              ? trans.__('No logged models.')
              : trans.__(
                  'No MLmodel folders in the artifacts (MLflow 2.x server).'
                )}
          </div>
        )}
      </Section>
      <Section title={trans.__('System tags (%1)', systemTags.length)} closed>
        <Pairs items={systemTags.map(t => [t.key, t.value])} empty="" />
      </Section>
    </div>
  );
}

function Section(props: {
  title: string;
  closed?: boolean;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <details className="jp-mlflow-Section" open={!props.closed}>
      <summary>{props.title}</summary>
      {props.children}
    </details>
  );
}

function Pairs(props: {
  items: [string, string][];
  empty: string;
}): JSX.Element {
  if (!props.items.length) {
    return <div className="jp-mlflow-Muted">{props.empty}</div>;
  }
  return (
    <dl className="jp-mlflow-KeyValues">
      {props.items.map(([key, value]) => (
        <React.Fragment key={key}>
          <dt title={key}>{key}</dt>
          <dd title={value}>{value}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}
