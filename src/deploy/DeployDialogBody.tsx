import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { IPreflight } from '../api/types';
import { CallEndpoint } from './CallEndpoint';
import { DeployDialogModel, formatElapsed } from './dialogModel';
import { DeploymentSummary } from './DeploymentsView';
import { LoadableList } from '../ui/LoadableList';
import { IModelChoice, ITargetField } from './targets';

/**
 * The body of the Deploy dialog (a JupyterLab `Dialog`): it renders the model and owns nothing.
 */
export class DeployDialogBody extends ReactWidget {
  constructor(
    readonly model: DeployDialogModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-mlflow-DeployDialog');
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <DeployForm model={this.model} trans={this._trans} />}
      </UseSignal>
    );
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }
}

function DeployForm(props: {
  model: DeployDialogModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [typedUri, setTypedUri] = React.useState('');
  // The dialog has no default button (Enter in a field must not close it), so nothing inside
  // it has focus at first; focus the form so that Escape and Tab work from the start.
  const root = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    root.current?.focus();
  }, []);
  const choices = model.choices;
  const errors = model.errors;
  const fields = model.fields;
  const advanced = fields.filter(field => field.advanced);
  const fieldInput = (field: ITargetField) => (
    <FieldInput
      key={field.name}
      field={field}
      value={model.values[field.name]}
      error={errors[field.name]}
      onChange={value => model.setValue(field.name, value)}
    />
  );
  const locked = model.busy;
  const picker = (
    <LoadableList
      value={choices}
      loading={trans.__('Looking for models…')}
      error={message => trans.__('Could not list models: %1', message)}
      empty={trans.__(
        'No logged or registered model in "%1" yet. Log one (e.g. mlflow.sklearn.log_model) or type its URI below.',
        model.workspaceName
      )}
    >
      {items => (
        <ModelPicker
          model={model}
          items={items}
          locked={locked}
          trans={trans}
        />
      )}
    </LoadableList>
  );
  return (
    <div className="jp-mlflow-DeployForm" ref={root} tabIndex={-1}>
      <fieldset disabled={locked}>
        <legend>{trans.__('Model')}</legend>
        <label htmlFor="jp-mlflow-deploy-model">
          {trans.__('Model in "%1"', model.workspaceName)}
        </label>
        {picker}
        <div className="jp-mlflow-DeployForm-uri">
          <input
            className="jp-mod-styled"
            aria-label={trans.__('Model URI')}
            placeholder={trans.__(
              'or a model URI: runs:/…/model, models:/name/1'
            )}
            value={typedUri}
            onChange={event => setTypedUri(event.target.value)}
          />
          <button
            className="jp-Button jp-mod-styled"
            disabled={!typedUri.trim()}
            onClick={() => model.chooseUri(typedUri)}
          >
            {trans.__('Use')}
          </button>
        </div>
        {model.model ? (
          <div className="jp-mlflow-DeployForm-chosen">
            <code data-model-uri>{model.model.uri}</code>
          </div>
        ) : null}
        <PreflightView
          preflight={model.preflight}
          startedAt={model.preflightStartedAt}
          trans={trans}
        />
      </fieldset>

      <fieldset disabled={locked}>
        <legend>{trans.__('Target')}</legend>
        <div role="radiogroup" aria-label={trans.__('Target')}>
          {model.targets.map(t => (
            <label key={t.id} className="jp-mlflow-DeployTarget">
              <input
                type="radio"
                name="jp-mlflow-deploy-target"
                value={t.id}
                checked={model.target.id === t.id}
                onChange={() => model.chooseTarget(t.id)}
              />
              <span className="jp-mlflow-DeployTarget-label">
                {trans.__(t.label)}
                {t.badge ? (
                  <span className="jp-mlflow-Badge">{trans.__(t.badge)}</span>
                ) : null}
              </span>
              <span className="jp-mlflow-DeployTarget-description">
                {trans.__(t.description)}
              </span>
            </label>
          ))}
        </div>
        {fields.filter(field => !field.advanced).map(fieldInput)}
        {advanced.length ? (
          <details
            className="jp-mlflow-DeployAdvanced"
            // Opened while one of its fields is refused, so the message is seen.
            open={advanced.some(f => errors[f.name]) || undefined}
          >
            <summary>{trans.__('Advanced')}</summary>
            {advanced.map(fieldInput)}
          </details>
        ) : null}
      </fieldset>

      {/* Sticky at the bottom of the dialog's scrolling body: the primary buttons show
          without scrolling even in a small window. */}
      <div className="jp-mlflow-DeployForm-actions">
        <button
          className="jp-Button jp-mod-styled"
          disabled={locked || !model.model}
          title={trans.__(
            'Insert the code below the active cell, to review and run yourself'
          )}
          onClick={() => void model.submit(false)}
        >
          {trans.__('Insert code')}
        </button>
        <button
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={!model.canDeployNow}
          title={
            model.deployment?.state === 'ready'
              ? trans.__(
                  'The service is running: stop it below to deploy again.'
                )
              : trans.__('Insert the code and run it in the notebook now')
          }
          onClick={() => void model.submit(true)}
        >
          {trans.__('Deploy now')}
        </button>
      </div>
      <PhaseView model={model} trans={trans} />
    </div>
  );
}

function ModelPicker(props: {
  model: DeployDialogModel;
  items: IModelChoice[];
  locked: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, items, locked, trans } = props;
  const groups: [string, IModelChoice[]][] = [
    [
      trans.__("This notebook's runs"),
      items.filter(c => c.source === 'logged')
    ],
    [
      trans.__('Registered models'),
      items.filter(c => c.source === 'registered')
    ],
    [trans.__('Typed URI'), items.filter(c => c.source === 'uri')]
  ];
  return (
    <select
      id="jp-mlflow-deploy-model"
      className="jp-mod-styled"
      value={model.model?.uri ?? ''}
      disabled={locked}
      onChange={event => {
        const found = items.find(c => c.uri === event.target.value);
        if (found) {
          model.chooseModel(found);
        }
      }}
    >
      {groups
        .filter(([, group]) => group.length)
        .map(([label, group]) => (
          <optgroup key={label} label={label}>
            {group.map(c => (
              <option key={c.uri} value={c.uri}>
                {c.label}
              </option>
            ))}
          </optgroup>
        ))}
    </select>
  );
}

function FieldInput(props: {
  field: ITargetField;
  value: string | boolean | undefined;
  error?: string;
  onChange: (value: string | boolean) => void;
}): JSX.Element {
  const { field, value, error, onChange } = props;
  const id = `jp-mlflow-deploy-${field.name}`;
  const described = error
    ? `${id}-error`
    : field.help
      ? `${id}-help`
      : undefined;
  let input: JSX.Element;
  if (field.type === 'boolean') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        onChange={event => onChange(event.target.checked)}
      />
    );
  } else if (field.type === 'select') {
    input = (
      <select
        id={id}
        className="jp-mod-styled"
        value={String(value ?? '')}
        onChange={event => onChange(event.target.value)}
      >
        {(field.options ?? []).map(o => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        id={id}
        className="jp-mod-styled"
        inputMode={field.type === 'number' ? 'numeric' : undefined}
        placeholder={field.placeholder}
        aria-invalid={!!error}
        aria-describedby={described}
        value={String(value ?? '')}
        onChange={event => onChange(event.target.value)}
      />
    );
  }
  return (
    <div className="jp-mlflow-Field">
      <label htmlFor={id}>{field.label}</label>
      {input}
      {error ? (
        <div id={`${id}-error`} className="jp-mlflow-FieldError" role="alert">
          {error}
        </div>
      ) : field.help ? (
        <div id={`${id}-help`} className="jp-mlflow-Muted">
          {field.help}
        </div>
      ) : null}
    </div>
  );
}

/** "· 12 s" since `startedAt`, ticking every second while shown: long waits show progress. */
function Elapsed(props: {
  startedAt: number;
  trans: TranslationBundle;
}): JSX.Element {
  const [now, setNow] = React.useState(Date.now());
  React.useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      window.clearInterval(timer);
    };
  }, []);
  return (
    <span className="jp-mlflow-Elapsed" aria-live="off" data-elapsed>
      {' · '}
      {formatElapsed(now - props.startedAt, props.trans)}
    </span>
  );
}

function PreflightView(props: {
  preflight: DeployDialogModel['preflight'];
  startedAt: number | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { preflight, trans } = props;
  if (!preflight) {
    return null;
  }
  if (preflight.kind === 'loading') {
    return (
      <div className="jp-mlflow-Preflight" aria-busy="true">
        {trans.__('Reading the model (flavor, signature, input example)…')}
        {props.startedAt !== null ? (
          <Elapsed startedAt={props.startedAt} trans={trans} />
        ) : null}
      </div>
    );
  }
  if (preflight.kind === 'error') {
    return (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not check the model: %1', preflight.message)}
      </div>
    );
  }
  const p: IPreflight = preflight.value;
  const columns = signatureSummary(p.signature?.inputs);
  return (
    <div className="jp-mlflow-Preflight" data-ok={p.ok}>
      <dl>
        <dt>{trans.__('Flavors')}</dt>
        <dd data-flavors>{p.flavors.join(', ') || '—'}</dd>
        <dt>{trans.__('Signature')}</dt>
        <dd>{columns || trans.__('none logged')}</dd>
        <dt>{trans.__('Input example')}</dt>
        <dd>
          {p.input_example !== undefined && p.input_example !== null
            ? trans.__('logged (Call endpoint starts from it)')
            : trans.__('none logged')}
        </dd>
      </dl>
      {!p.ok ? (
        <div className="jp-mlflow-Notice jp-mod-warning" role="alert">
          {trans.__(
            "Checked with the Jupyter server's Python (%1): %2 The cell deploys with the kernel's Python, which may have what is missing.",
            p.python ?? '?',
            p.message
          )}
        </div>
      ) : null}
      {p.warnings.map(w => (
        <div key={w} className="jp-mlflow-Muted">
          {w}
        </div>
      ))}
    </div>
  );
}

function PhaseView(props: {
  model: DeployDialogModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const phase = model.phase;
  const deployment = model.deployment;
  // The outcome appears below the form: bring it into view when it changes.
  const node = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    node.current?.scrollIntoView?.({ block: 'nearest' });
  }, [phase.kind, deployment?.state]);
  if (phase.kind === 'editing') {
    return null;
  }
  if (phase.kind === 'inserted') {
    return (
      <div
        ref={node}
        className="jp-mlflow-DeployPhase"
        data-phase="inserted"
        role="status"
      >
        {trans.__('The cell is below the active cell: review it, then run it.')}
      </div>
    );
  }
  if (phase.kind === 'failed') {
    return (
      <div
        ref={node}
        className="jp-mlflow-DeployPhase"
        data-phase="failed"
        role="alert"
      >
        <div className="jp-mlflow-Notice jp-mod-error">
          {trans.__('The deployment failed.')}
        </div>
        <pre className="jp-mlflow-DeployPhase-output">{phase.text}</pre>
        <button
          className="jp-Button jp-mod-styled"
          onClick={() => model.edit()}
        >
          {trans.__('Change and try again')}
        </button>
      </div>
    );
  }
  return (
    <div
      ref={node}
      className="jp-mlflow-DeployPhase"
      data-phase={phase.kind}
      role="status"
    >
      {phase.kind === 'running' ? (
        <div aria-busy="true">
          {trans.__('Running the cell in the notebook…')}
          <Elapsed startedAt={phase.startedAt} trans={trans} />
        </div>
      ) : null}
      {deployment ? (
        <DeploymentSummary
          deployment={deployment}
          deployments={model.deployments}
          trans={trans}
        />
      ) : phase.kind === 'deployed' ? (
        <pre className="jp-mlflow-DeployPhase-output">{phase.text}</pre>
      ) : null}
      {phase.kind === 'deployed' && deployment?.state === 'ready' ? (
        <CallEndpoint
          deployment={deployment}
          deployments={model.deployments}
          body={model.requestBody}
          onBodyChange={text => model.setRequestBody(text)}
          trans={trans}
        />
      ) : null}
    </div>
  );
}

/** `age: double, sex: double, …` from a column signature (JSON text). */
function signatureSummary(inputs: string | undefined): string {
  if (!inputs) {
    return '';
  }
  try {
    const parsed = JSON.parse(inputs);
    if (!Array.isArray(parsed)) {
      return '';
    }
    const parts = parsed.map((c: any) =>
      c?.name ? `${c.name}: ${c.type ?? '?'}` : String(c?.type ?? '?')
    );
    return parts.length > 8
      ? `${parts.slice(0, 8).join(', ')} … (${parts.length})`
      : parts.join(', ');
  } catch {
    return '';
  }
}
