import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IDeployment } from '../api/types';
import { DeploymentsModel } from './deploymentsModel';
import { checkRequestBody, formatAnswer } from './requestBody';

/**
 * "Call endpoint": an editable JSON body, Send, and the model's answer (predictions or its
 * error body) as it came back through the server part.
 */
export function CallEndpoint(props: {
  deployment: IDeployment;
  deployments: DeploymentsModel;
  body: string;
  onBodyChange: (text: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { deployment, deployments, body, onBodyChange, trans } = props;
  const state = deployments.callState(deployment.id);
  const problem = checkRequestBody(body);
  const ready = deployment.state === 'ready';
  const bodyId = `jp-mlflow-call-body-${deployment.id}`;
  // The answer appears below the body: bring it into view when it arrives.
  const answerNode = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    answerNode.current?.scrollIntoView?.({ block: 'nearest' });
  }, [state]);
  let answer: JSX.Element | null = null;
  if (state.kind === 'sending') {
    answer = <div aria-busy="true">{trans.__('Calling the model…')}</div>;
  } else if (state.kind === 'error') {
    answer = (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {state.message}
      </div>
    );
  } else if (state.kind === 'answered') {
    const ok = state.result.status >= 200 && state.result.status < 300;
    answer = (
      <div
        ref={answerNode}
        className={`jp-mlflow-CallAnswer ${ok ? 'jp-mod-ok' : 'jp-mod-error'}`}
        data-status={state.result.status}
        role="status"
      >
        <div className="jp-mlflow-CallAnswer-status">
          {ok
            ? trans.__('Predictions (HTTP %1)', state.result.status)
            : trans.__('The model answered HTTP %1', state.result.status)}
        </div>
        <pre className="jp-mlflow-CallAnswer-body">
          {formatAnswer(state.result.text)}
        </pre>
      </div>
    );
  }
  return (
    <section
      className="jp-mlflow-CallEndpoint"
      aria-label={trans.__('Call endpoint')}
    >
      <label htmlFor={bodyId}>{trans.__('Request body (JSON)')}</label>
      <textarea
        id={bodyId}
        className="jp-mlflow-CallEndpoint-body"
        spellCheck={false}
        rows={Math.min(12, Math.max(4, body.split('\n').length))}
        value={body}
        onChange={event => onBodyChange(event.target.value)}
      />
      {problem ? (
        <div className="jp-mlflow-FieldError" role="alert">
          {problem}
        </div>
      ) : null}
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        disabled={!ready || !!problem || state.kind === 'sending'}
        title={
          ready
            ? ''
            : trans.__('The service is %1, not ready', deployment.state)
        }
        onClick={() => void deployments.call(deployment.id, body)}
      >
        {trans.__('Send')}
      </button>
      {answer}
    </section>
  );
}
