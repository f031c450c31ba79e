import * as React from 'react';

/** A metric's history as a tiny line; nothing for fewer than two points. */
export function Sparkline(props: { values?: number[] }): JSX.Element | null {
  const values = (props.values ?? []).filter(Number.isFinite);
  if (values.length < 2) {
    return null;
  }
  const width = 60;
  const height = 14;
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const points = values
    .map((v, i) => {
      const x = (i / (values.length - 1)) * width;
      const y = height - 1 - ((v - min) / span) * (height - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <svg
      className="jp-mlflow-Sparkline"
      width={width}
      height={height}
      aria-hidden="true"
    >
      <polyline points={points} />
    </svg>
  );
}
