import * as React from 'react';
import { Loadable } from '../ui/loadable';

/**
 * The four states of a fetched list, rendered the same way everywhere: busy text while
 * loading, an alert with the message on error, a muted hint when empty, else `children`.
 */
export function LoadableList<T>(props: {
  value: Loadable<T[]>;
  /** Already translated texts. */
  loading: string;
  error: (message: string) => string;
  empty: string;
  children: (items: T[]) => JSX.Element;
}): JSX.Element {
  const { value } = props;
  if (value.kind === 'loading') {
    return <div aria-busy="true">{props.loading}</div>;
  }
  if (value.kind === 'error') {
    return (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {props.error(value.message)}
      </div>
    );
  }
  if (value.value.length === 0) {
    return <div className="jp-mlflow-Muted">{props.empty}</div>;
  }
  return props.children(value.value);
}
