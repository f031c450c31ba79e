import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { IRun } from '../api/mlflowTypes';
import {
  columnCandidates,
  ColumnChoiceModel,
  ColumnKind,
  IColumnChoice,
  MAX_COLUMNS
} from './columnChoice';

/**
 * Ask which metric and param columns to show, offering the keys of the loaded runs.
 *
 * @param runs - the loaded runs
 * @param shown - the columns shown now
 * @param trans - the translation bundle
 * @returns the choice, or null when cancelled
 */
export async function chooseColumns(
  runs: IRun[],
  shown: IColumnChoice,
  trans: TranslationBundle
): Promise<IColumnChoice | null> {
  const model = new ColumnChoiceModel({
    candidates: columnCandidates(runs, shown),
    chosen: shown
  });
  const answer = await showDialog({
    title: trans.__('Run table columns'),
    body: new ColumnChoiceBody(model, trans),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Apply') })
    ],
    focusNodeSelector: 'input[type="search"]'
  });
  return answer.button.accept ? answer.value : null;
}

/**
 * The body of the "Choose Run Columns" dialog: a search and two lists of check boxes. It renders
 * the model; the dialog's result is the model's value.
 */
export class ColumnChoiceBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IColumnChoice>
{
  constructor(
    readonly model: ColumnChoiceModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-mlflow-ColumnChoice');
  }

  getValue(): IColumnChoice {
    return this.model.value;
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <ColumnChoiceForm model={this.model} trans={this._trans} />}
      </UseSignal>
    );
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }
}

function ColumnChoiceForm(props: {
  model: ColumnChoiceModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  return (
    <div className="jp-mlflow-ColumnChoice-form">
      <input
        className="jp-mlflow-Input jp-mlflow-ColumnChoice-search"
        type="search"
        value={model.query}
        aria-label={trans.__('Search keys')}
        placeholder={trans.__('Search keys')}
        onChange={event => model.setQuery(event.target.value)}
      />
      <div className="jp-mlflow-ColumnChoice-lists">
        <KeyList
          kind="metrics"
          legend={trans.__('Metrics')}
          model={model}
          trans={trans}
        />
        <KeyList
          kind="params"
          legend={trans.__('Parameters')}
          model={model}
          trans={trans}
        />
      </div>
      <p className="jp-mlflow-Muted">
        {trans.__(
          'Saved in the Settings Editor (ML Workspace: run browser). With no metric ticked, the first four metrics and parameters of the runs are shown.'
        )}
      </p>
    </div>
  );
}

function KeyList(props: {
  kind: ColumnKind;
  legend: string;
  model: ColumnChoiceModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { kind, model, trans } = props;
  const keys = model.visible(kind);
  const full = model.isFull(kind);
  const total = model.candidates[kind].length;
  return (
    <fieldset className="jp-mlflow-ColumnChoice-list" data-kind={kind}>
      <legend>{props.legend}</legend>
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-minimal"
        aria-label={trans.__('Untick all: %1', props.legend)}
        onClick={() => model.clear(kind)}
      >
        {trans.__('Untick all')}
      </button>
      {/* Always in the page: a live region that appears already filled is often not read. */}
      <div className="jp-mlflow-Muted" role="status">
        {full ? trans.__('At most %1 columns.', MAX_COLUMNS) : ''}
      </div>
      {!total && (
        <div className="jp-mlflow-Muted">
          {trans.__('The loaded runs have none.')}
        </div>
      )}
      {total > 0 && !keys.length && (
        <div className="jp-mlflow-Muted">
          {trans.__('None matches the search.')}
        </div>
      )}
      <ul>
        {keys.map(key => {
          const chosen = model.isChosen(kind, key);
          return (
            <li key={key}>
              <label className="jp-mlflow-Check">
                <input
                  type="checkbox"
                  checked={chosen}
                  disabled={!chosen && full}
                  onChange={event =>
                    model.setChosen(kind, key, event.target.checked)
                  }
                />
                {key}
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
