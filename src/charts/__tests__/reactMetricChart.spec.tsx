import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { IChartSeries } from '../MetricChart';
import { ReactMetricChart } from '../ReactMetricChart';

/**
 * Leaving run compare removes the chart's parent element; the chart must go quietly. It used to
 * throw "Widget is not attached" from a passive effect clean-up, which unmounted the whole run
 * browser (blank view, no way back).
 */
// Tell React 18 that act() is in use, as a test renderer would.
(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

describe('ReactMetricChart', () => {
  it('unmounts with its parent without an error, and its node is gone', () => {
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    const series: IChartSeries[] = [
      { label: 'run-1 loss', color: '#1f77b4', xs: [0, 1], ys: [1, 0.5] }
    ];
    function View(props: { compare: boolean }): JSX.Element {
      return props.compare ? (
        <section className="compare">
          <ReactMetricChart
            series={series}
            options={{ legend: false, integerX: true }}
            className="host"
          />
        </section>
      ) : (
        <p className="list">runs</p>
      );
    }
    React.act(() => {
      root.render(<View compare={true} />);
    });
    expect(
      container.querySelector('.host .jp-mlflow-MetricChart')
    ).not.toBeNull();
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      errors.push(event.error);
    };
    window.addEventListener('error', onError);
    React.act(() => {
      root.render(<View compare={false} />);
    });
    window.removeEventListener('error', onError);
    expect(errors).toEqual([]);
    expect(container.querySelector('.list')?.textContent).toBe('runs');
    expect(container.querySelector('.jp-mlflow-MetricChart')).toBeNull();
    React.act(() => {
      root.unmount();
    });
  });
});
