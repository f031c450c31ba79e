import * as React from 'react';

/**
 * A labelled choice of metric key, as the compare, sweep and top-N toolbars show it.
 */
export function MetricSelect(props: {
  label: string;
  keys: string[];
  value: string | undefined;
  onChange: (key: string) => void;
  ariaLabel?: string;
}): JSX.Element {
  return (
    <label>
      {props.label}{' '}
      <select
        className="jp-mlflow-Input"
        value={props.value}
        aria-label={props.ariaLabel}
        onChange={event => props.onChange(event.target.value)}
      >
        {props.keys.map(k => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A check box with its label after it.
 */
export function CheckLabel(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}): JSX.Element {
  return (
    <label className="jp-mlflow-Check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={event => props.onChange(event.target.checked)}
      />
      {props.label}
    </label>
  );
}
