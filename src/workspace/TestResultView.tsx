import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { TestState } from './model';

/**
 * The outcome of "Test connection", in the server's plain words.
 */
export function TestResultView(props: {
  state: TestState | undefined;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { state, trans } = props;
  if (!state) {
    return null;
  }
  if (state.kind === 'testing') {
    return (
      <div
        className="jp-mlflow-TestResult"
        data-result="testing"
        aria-busy="true"
      >
        {trans.__('Testing…')}
      </div>
    );
  }
  const { result } = state;
  return (
    <div
      className={`jp-mlflow-TestResult ${result.ok ? 'jp-mod-ok' : 'jp-mod-error'}`}
      data-result={result.reason}
      role="status"
    >
      {result.message}
    </div>
  );
}
